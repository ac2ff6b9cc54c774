#include <gtest/gtest.h>

#include "wire/ntp_header.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::hex;

// iff-md5-512 packet 17, the header only (client, VN 4, stratum 5).
constexpr const char* kHeader =
    "230504e8 00000006 0000f29c 0a7b0001 eeb2eb47 6b489a5f eeb2eb49 6bcf456b eeb2eb49 6c5decc0 eeb2eb4b 6b3beb3b";

TEST(NtpHeader, ParsesEveryFieldOfAClientHeader) {
  const Bytes octets = hex(kHeader);
  Reader r(octets);
  auto h = NtpHeader::parse(r);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->leap, 0);
  EXPECT_EQ(h->version, 4);
  EXPECT_EQ(h->mode_enum(), Mode::Client);
  EXPECT_EQ(h->stratum, 5);
  EXPECT_EQ(h->poll, 4);
  EXPECT_EQ(h->precision, -24);
  EXPECT_EQ(h->root_delay, 6u);
  EXPECT_EQ(h->root_dispersion, 0xf29cu);
  EXPECT_EQ(h->refid, 0x0a7b0001u);
  EXPECT_EQ(h->reference_ts, 0xeeb2eb476b489a5fULL);
  EXPECT_EQ(h->origin_ts, 0xeeb2eb496bcf456bULL);
  EXPECT_EQ(h->receive_ts, 0xeeb2eb496c5decc0ULL);
  EXPECT_EQ(h->transmit_ts, 0xeeb2eb4b6b3beb3bULL);
  EXPECT_EQ(r.consumed(), 48u);
}

TEST(NtpHeader, SerializesBackToTheSameOctets) {
  const Bytes octets = hex(kHeader);
  Reader r(octets);
  auto h = NtpHeader::parse(r);
  ASSERT_TRUE(h.ok());
  Writer w;
  ASSERT_TRUE(h->serialize(w).ok());
  EXPECT_EQ(to_hex(w.data()), to_hex(octets));
}

TEST(NtpHeader, FortySevenOctetsAreShorterThanTheHeader) {
  const Bytes octets(47, 0x23);
  Reader r(octets);
  auto h = NtpHeader::parse(r);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error(), WireError::PacketShorterThanHeader);
  EXPECT_EQ(r.consumed(), 0u);
}

TEST(NtpHeader, RefusesToSerializeAModeWiderThanThreeBits) {
  NtpHeader h;
  h.mode = 8;
  Writer w;
  auto st = h.serialize(w);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error(), WireError::FieldWiderThanWireBits);
  EXPECT_EQ(w.size(), 0u);
}

TEST(NtpHeader, ModeNamesReadWell) {
  EXPECT_EQ(name(Mode::SymmetricActive), "sym-active");
  EXPECT_EQ(name(Mode::Broadcast), "broadcast");
}

}  // namespace
}  // namespace ak::wire
