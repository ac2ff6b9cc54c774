#!/usr/bin/env python3
"""Writes the hand-made seeds and the security-history §1.2 reproducers.

    python3 fuzz/tools/make_seeds.py [--shared ../shared]

Deterministic: run it again and the files come out the same. It writes

  fuzz/corpus/<target>/...            seeds the fixtures cannot give directly
  fuzz/regressions/<target>/<ROW>_*.bin  one reproducer per §1.2 row (the
                                      file name starts with the CVE, bug or
                                      NEW-n it reproduces)

Everything is built from the fixtures in ../shared (certificates, keys, the
captured association IDs) and from the shapes §1.2 describes. The packets
carry real MACs where a sender needs no secret: extension-field packets
use cookie 0 (security-history §0), so MAC0 = keyID || MD5(MD5(src || dst ||
keyID || 0) || packet). Only the standard library and, for the RSA-OAEP
cookie of CVE-2014-9295 and the certificate variants, python3-cryptography.
"""
import argparse
import base64
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.dirname(HERE)

SERVER = bytes([10, 123, 0, 1])
CLIENT = bytes([10, 123, 0, 2])
KEY_ID = 0x9E3779B9
T0 = 4004705000
ASSOC = 19292  # the client association ID the stateful target's fixed RNG gives


def be32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def header(mode, leap=0, version=4, origin=0, transmit=0):
    h = bytearray(48)
    h[0] = (leap << 6) | (version << 3) | mode
    h[24:32] = struct.pack(">Q", origin)
    h[40:48] = struct.pack(">Q", transmit)
    return bytes(h)


def ef_raw(word0, assoc, body=b""):
    """One field with the length taken from the body (word0 holds R/E/VN/code)."""
    length = 8 + len(body)
    return be32((word0 << 16) | length) + be32(assoc) + body


def ef_len(word0, length, assoc, body=b""):
    """One field whose length word says `length`, whatever follows."""
    return be32((word0 << 16) | (length & 0xFFFF)) + be32(assoc) + body


def value_body(ts=0, fs=0, value=b"", sig=b"", vallen=None, siglen=None):
    vl = len(value) if vallen is None else vallen
    sl = len(sig) if siglen is None else siglen
    return be32(ts) + be32(fs) + be32(vl) + pad4(value) + be32(sl) + pad4(sig)


def long_field(code, assoc, response=False, **kw):
    word0 = (0x80 if response else 0) << 8 | 0x0200 | code
    return ef_raw(word0, assoc, value_body(**kw))


def mac0(packet, src=CLIENT, dst=SERVER, key_id=KEY_ID, cookie=0):
    key = hashlib.md5(src + dst + be32(key_id) + be32(cookie)).digest()
    return be32(key_id) + hashlib.md5(key + packet).digest()


def client_packet(*fields, key_id=KEY_ID):
    p = header(3) + b"".join(fields)
    return p + mac0(p, key_id=key_id)


def write(rel, data):
    path = os.path.join(FUZZ, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def pem_der(path):
    text = open(path).read()
    b64 = text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(b64.split()))


# ---- minimal DER, for certificate surgery (NEW-1, NEW-6, SKI) ----------------

def der_read(b, i=0):
    tag = b[i]
    n = b[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[j:j + k], "big")
        j += k
    return tag, b[j:j + n], j + n


def der(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    else:
        nb = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(nb)]) + nb
    return bytes([tag]) + ln + content


def der_children(content):
    out, i = [], 0
    while i < len(content):
        tag, c, i2 = der_read(content, i)
        out.append((tag, c))
        i = i2
    return out


def rebuild_cert(cert_der, tbs_edit):
    """Apply tbs_edit(list of (tag, content)) and re-wrap; the old signature stays."""
    _, cert, _ = der_read(cert_der)
    parts = der_children(cert)
    tbs = der_children(parts[0][1])
    tbs = tbs_edit(tbs)
    new_tbs = der(0x30, b"".join(der(t, c) for t, c in tbs))
    return der(0x30, new_tbs + b"".join(der(t, c) for t, c in parts[1:]))


def name_der(rdns):
    """rdns: list of (oid bytes, string) each its own RDN."""
    out = b""
    for oid, s in rdns:
        out += der(0x31, der(0x30, der(0x06, oid) + der(0x0C, s.encode())))
    return out


OID_CN = bytes([0x55, 0x04, 0x03])
OID_O = bytes([0x55, 0x04, 0x0A])


def set_times(not_before_tag, not_before):
    def edit(tbs):
        # tbs: [0] version, serial, sigalg, issuer, validity, subject, spki, [3] exts
        validity = der_children(tbs[4][1])
        validity[0] = (not_before_tag, not_before)
        tbs[4] = (0x30, b"".join(der(t, c) for t, c in validity))
        return tbs
    return edit


def set_subject(rdns, issuer_too=True):
    def edit(tbs):
        tbs[5] = (0x30, name_der(rdns))
        if issuer_too:
            tbs[3] = (0x30, name_der(rdns))
        return tbs
    return edit


def add_ski(value):
    def edit(tbs):
        ext = der(0x30, der(0x06, bytes([0x55, 0x1D, 0x0E])) + der(0x04, value))
        if tbs[-1][0] == 0xA3:
            _, exts, _ = der_read(tbs[-1][1])
            tbs[-1] = (0xA3, der(0x30, exts + ext))
        else:
            tbs.append((0xA3, der(0x30, ext)))
        return tbs
    return edit


# ---- the stateful engine target's program language ----------------------------
# See fuzz/targets/engine_sequence_rejects_keep_state.cpp: first octet picks
# IFF (odd) or TC (even); then op % 10: 0 tick(1 + arg % 32), 1/7/9 deliver,
# 2 drop, 3 corrupt(u16 pos, u8 xor), 4 swap field(u8 index, u16 len, bytes),
# 5 inject(u8 direction: odd = to client, u16 len, bytes), 6 replay(u8),
# 8 crypto-NAK the datagram in flight (same header) and deliver.

def round_trip():
    return bytes([1, 1, 0, 15])  # deliver request, deliver reply, 16 s on


def dance(rounds):
    return round_trip() * rounds


def op_swap(index, field):
    return bytes([4, index]) + struct.pack(">H", len(field)) + field


def op_inject(to_client, datagram):
    return bytes([5, 1 if to_client else 0]) + struct.pack(">H", len(datagram)) + datagram


def op_corrupt(pos, xor):
    return bytes([3]) + struct.pack(">H", pos) + bytes([xor])


def engine_programs(shared):
    fx = os.path.join(shared, "fixtures", "ntpd-4.2.8p15")
    iff, tc = b"\x01", b"\x00"
    corpus = "corpus/engine_sequence_rejects_keep_state/"
    write(corpus + "iff_dance", iff + dance(30))
    write(corpus + "tc_dance", tc + dance(30))
    write(corpus + "iff_dance_with_losses", iff + (bytes([1, 2, 0, 15]) + round_trip()) * 12)
    write(corpus + "iff_dance_with_replays", iff + (round_trip() + bytes([6, 0, 6, 1])) * 12)
    write(corpus + "tc_dance_with_corruption", tc + (round_trip() + bytes([1]) + op_corrupt(60, 1) + bytes([0, 15])) * 10)

    reg = "regressions/engine_sequence_rejects_keep_state/"
    # IFF rounds: 0 ASSOC, 1 CERT, 2 IFF, 3 COOK, 4 plain, 5 SIGN, 6 LEAP.
    def at_reply(k, action, scheme=iff, after=12):
        # Rounds before k in full, then deliver the request of round k, then
        # `action` on its reply, then the rest of the dance.
        return scheme + dance(k) + bytes([1]) + action + bytes([0, 15]) + dance(after)

    sig_ff = long_field(3, ASSOC, True, ts=T0 + 48, fs=T0, value=b"\x5a" * 64, sig=b"\xff" * 64)
    write(reg + "CVE-2009-0021_cook_signature_all_ones.bin", at_reply(3, op_swap(0, sig_ff)))
    write(reg + "CVE-2014-9296_bad_mac_with_extension_field.bin", at_reply(1, op_corrupt(523, 0x80)))
    write(reg + "CVE-2015-1799_CVE-2016-4954_bad_mac_leap_bits.bin", at_reply(4, op_corrupt(0, 0x40)))
    nak_to_client = header(4, origin=0x1234) + b"\0" * 4
    write(reg + "CVE-2016-1547_CVE-2016-4953_CVE-2016-4955_nak_right_and_wrong_origin.bin",
          iff + dance(5) + (bytes([1, 8]) + op_inject(True, nak_to_client) + bytes([0, 15])) * 20 + dance(4))
    write(reg + "CVE-2016-4957_CVE-2016-9311_nak_from_no_association.bin",
          iff + dance(2) + op_inject(False, header(4) + b"\0" * 4) * 4 + dance(4))
    write(reg + "CVE-2015-7871_nak_mode1.bin",
          iff + op_inject(True, header(1) + b"\0" * 4) + op_inject(False, header(1) + b"\0" * 4) + dance(6))
    keyid_low = header(4) + be32(0x00010000) + b"\x11" * 16
    keyid_high = header(4) + be32(0xFFFFFFFF) + b"\x22" * 16
    write(reg + "Bug-3036_key_id_65536_and_ffffffff.bin",
          iff + dance(3) + op_inject(True, keyid_low) + op_inject(True, keyid_high) + dance(4))
    client_cert = pem_der(os.path.join(fx, "iff-md5-512/client/ntpkey_RSA-MD5cert_clientname.4004702989"))
    other_cert = long_field(2, ASSOC, True, ts=T0 + 16, fs=4004702989, value=client_cert, sig=b"\x01" * 64)
    write(reg + "NEW-7_cert_response_other_subject.bin", at_reply(1, op_swap(0, other_cert)))
    write(reg + "Bug-1229_NEW-4_cert_response_replayed.bin",
          iff + dance(1) + bytes([1, 1]) + bytes([6, 0, 6, 1, 6, 2, 6, 3]) + bytes([0, 15]) + dance(8))
    assoc_req = long_field(1, ASSOC, False, fs=0x00040000, value=b"clientname@servername")
    write(reg + "CVE-2015-7701_assoc_request_repeated.bin",
          iff + op_inject(False, client_packet(assoc_req)) * 40 + dance(4))
    leap8 = long_field(5, ASSOC, True, ts=T0 + 96, fs=T0, value=b"\0" * 8, sig=b"\x01" * 64)
    write(reg + "row26_leap_response_vallen8.bin", at_reply(6, op_swap(0, leap8)))
    # Row 7: a COOK response whose OAEP plaintext is 22 octets (the most a
    # 512-bit key takes), encrypted to the client's real host key. Rejected
    # on its signature with the checks on; the unsafe twin reaches the
    # decryption, which must refuse anything but 4 octets.
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography import x509
        pub = x509.load_der_x509_certificate(client_cert).public_key()
        for n in (0, 3, 5, 22):
            # OAEP with a fixed seed is not available here; the ciphertext is
            # random, so fix it once by seeding from the file if it exists.
            name = reg + "CVE-2014-9295_cook_plaintext_%d_octets.bin" % n
            path = os.path.join(FUZZ, name)
            if os.path.exists(path):
                continue
            ct = pub.encrypt(b"\x8a" * n, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()),
                                                        algorithm=hashes.SHA1(), label=None))
            cook = long_field(3, ASSOC, True, ts=T0 + 48, fs=T0, value=ct, sig=b"\x01" * 64)
            write(name, at_reply(3, op_swap(0, cook)))
    except ImportError:
        print("python3-cryptography missing: CVE-2014-9295 reproducers not written", file=sys.stderr)


def server_requests():
    reg = "regressions/server_responder_bounded/"
    a = 0  # no association: every request here goes to the stateless server
    for vl in (255, 256, 257, 511, 512, 513):
        f = long_field(1, a, False, fs=0x00040000, value=b"A" * min(vl, 512), vallen=vl)
        write(reg + "CVE-2009-1252_assoc_name_vallen%d.bin" % vl, client_packet(f))
    for code, name in ((7, "iff"), (8, "gq"), (9, "mv")):
        f = long_field(code, a, False, value=b"\x42" * 20)
        write(reg + "Bug-1276_%s_request_no_association.bin" % name, client_packet(f))
    f = ef_raw(0x0201, a, be32(0) + be32(0) + be32(0x00010000) + pad4(b"a@b") + b"\0" * 292)
    write(reg + "Bug-2052_assoc_vallen_65536.bin", client_packet(f))
    write(reg + "CVE-2014-9750_cert_request_vallen512_at_end.bin",
          client_packet(ef_raw(0x0202, a, be32(0) + be32(0) + be32(512) + be32(0))))
    write(reg + "CVE-2014-9750_cook_request_vallen2000.bin",
          client_packet(ef_raw(0x0203, a, be32(0) + be32(0) + be32(2000) + b"\x30\x82\x07\xd0" + be32(0))))
    write(reg + "CVE-2014-9750_iff_request_vallen65536.bin",
          client_packet(ef_raw(0x0207, a, be32(0) + be32(0) + be32(0x10000) + b"\x01\0\0\0" + be32(0))))
    for code, name in ((8, "gq"), (9, "mv")):
        write(reg + "CVE-2015-7691_%s_request_vallen300.bin" % name,
              client_packet(ef_len(0x0200 | code, 24, a, be32(0) + be32(0) + be32(300) + be32(0))))
    write(reg + "CVE-2015-7702_sign_request_vallen4000.bin",
          client_packet(ef_raw(0x0206, a, be32(0) + be32(0) + be32(4000) + b"\x30\x82\x0f\xa0\0\0\0\0" + be32(0))))
    for vl in (512, 513):
        f = long_field(2, a, False, value=b"s" * vl)
        write(reg + "CVE-2015-7692_cert_request_subject%d.bin" % vl, client_packet(f))
    write(reg + "CVE-2015-7701_assoc_host_at_group.bin",
          client_packet(long_field(1, 7, False, fs=0x00040000, value=b"host@group\0\0")))
    for kid in (0x00010000, 0xFFFFFFFF):
        write(reg + "Bug-3036_key_id_%08x.bin" % kid,
              client_packet(long_field(1, a, False, fs=0x00040000, value=b"clientname@servername"), key_id=kid))
    for code, name in ((7, "iff"), (8, "gq")):
        write(reg + "NEW-2_%s_one_octet_challenge.bin" % name,
              client_packet(ef_raw(0x0200 | code, a, be32(0) + be32(0) + be32(1) + b"\x01\0\0\0" + be32(0))))
    # NEW-3: an ASSOC field of length 4 as late as possible in 2120 octets,
    # the word ntpd reads as vallen (16 octets on) = 0xC8.
    body = header(3)
    filler_len = 2120 - 48 - 4 - 24 - 20
    filler = ef_raw(0x0000, 0, b"\0" * (filler_len - 8))
    tail = bytearray(ef_len(0x0201, 4, 0)[:4] + b"\0" * 12 + be32(0xC8) + b"\0" * 4)
    p = body + filler + bytes(tail)
    write(reg + "NEW-3_assoc_len4_late.bin", p + mac0(p))
    # Row 25: header grammar.
    write(reg + "row25_version3_two_responses_one_request.bin",
          client_packet(long_field(4, 1, True, value=b"\0" * 8), long_field(5, 1, True, value=b"\0" * 12),
                        long_field(5, 1, False)))
    # Row 9 (CVE-2014-9750 a/b) as requests: vallen wrap and siglen wrap.
    write(reg + "CVE-2014-9750_vallen_fffffffd.bin",
          client_packet(ef_raw(0x0204, a, be32(T0) + be32(0) + be32(0xFFFFFFFD) + be32(0))))
    write(reg + "CVE-2014-9750_siglen_wrap.bin",
          client_packet(ef_raw(0x0206, a, be32(T0) + be32(0) + be32(0x7FFFFFF0) + be32(0x80000010))))


def value_decoder_cases():
    """message_value_decode_by_kind: selector, assoc, body."""
    reg = "regressions/message_value_decode_by_kind/"
    # Selector = index in the target's kind table: requests 0..9,
    # responses 10 + code - 1, errors 19 + code.
    def inp(sel, body, assoc=7):
        return bytes([sel]) + be32(assoc) + body
    req = lambda code: code
    resp = lambda code: 10 + code - 1
    write(reg + "row26_leap_response_vallen8.bin", inp(resp(5), value_body(ts=T0, fs=T0, value=b"\0" * 8)))
    write(reg + "row26_leap_response_vallen16.bin", inp(resp(5), value_body(ts=T0, fs=T0, value=b"\0" * 16)))
    write(reg + "row26_leap_response_tai_7fffffff.bin",
          inp(resp(5), value_body(ts=T0, fs=T0, value=be32(0x7FFFFFFF) + be32(0) + be32(0))))
    write(reg + "row26_auto_response_seq_80000000_keyid_low.bin",
          inp(resp(4), value_body(ts=T0, fs=T0, value=be32(0x1234) + be32(0x80000000))))
    for nid in (0, 0xFFFF, 4):
        write(reg + "row26_assoc_status_nid_%04x.bin" % nid,
              inp(resp(1), value_body(fs=(nid << 16) | 0x21, value=b"servername@servername")))
    write(reg + "CVE-2014-9750_auto_response_vallen_fffffffd.bin",
          inp(resp(4), be32(T0) + be32(0) + be32(0xFFFFFFFD) + be32(0)))
    write(reg + "CVE-2014-9750_cook_response_siglen_wrap.bin",
          inp(resp(3), be32(T0) + be32(0) + be32(0x7FFFFFF0) + be32(0x80000010)))
    write(reg + "NEW-8_auto_response_siglen_last_word.bin",
          inp(resp(4), be32(T0) + be32(0) + be32(8) + be32(0x7238009F) + be32(99) + be32(0)))
    write(reg + "CVE-2009-1252_assoc_response_name512.bin",
          inp(resp(1), value_body(fs=0x00040021, value=b"A" * 512)))
    write(reg + "CVE-2015-7692_cert_request_subject513.bin", inp(req(2), value_body(value=b"s" * 513)))
    write(reg + "CVE-2014-9295_cook_response_value_22.bin",
          inp(resp(3), value_body(ts=T0, fs=T0, value=b"\x8a" * 22, sig=b"\x01" * 64)))
    write(reg + "CVE-2009-0021_cook_response_signature_ff.bin",
          inp(resp(3), value_body(ts=T0, fs=T0, value=b"\x5a" * 64, sig=b"\xff" * 64)))
    write(reg + "NEW-5_mv_response_16_random_octets.bin",
          inp(resp(9), value_body(ts=T0, fs=T0, value=bytes(range(16)), sig=b"\x01" * 64)))
    write(reg + "row25_ts0_signed.bin", inp(resp(3), value_body(ts=0, fs=T0, value=b"\x5a" * 64, sig=b"\x01" * 64)))
    write(reg + "row25_ts_before_fs.bin", inp(resp(3), value_body(ts=T0 - 1, fs=T0, value=b"\x5a" * 64)))


def value_decoder_corpus(shared):
    """One field of every kind seen in the captures."""
    fx = os.path.join(shared, "fixtures", "ntpd-4.2.8p15")
    seen = set()
    for folder in ("iff-md5-512", "tc-md5-512", "gq-sha1-1024", "sym-tc-md5-512", "bcast-tc-md5-512"):
        for payload in pcap_udp_payloads(os.path.join(fx, folder, "exchange.pcap")):
            a, rem = 48, len(payload) - 48
            while rem > 24 and rem % 4 == 0:
                w0, assoc = struct.unpack(">II", payload[a:a + 8])
                length = w0 & 0xFFFF
                if length < 8 or length > rem or length % 4:
                    break
                r, e, code = bool(w0 & 0x80000000), bool(w0 & 0x40000000), (w0 >> 16) & 0xFF
                if code <= 9:
                    sel = 19 + code if e else (10 + code - 1 if r and code else code if not r else None)
                    if sel is not None and (sel, length == 8) not in seen:
                        seen.add((sel, length == 8))
                        write("corpus/message_value_decode_by_kind/%s_%02d_%s" % (folder, sel, "short" if length == 8 else "long"),
                              bytes([sel]) + be32(assoc) + payload[a + 8:a + length])
                a += length
                rem -= length


def pcap_udp_payloads(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    i = 24
    while i + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[i:i + 16])
        frame = data[i + 16:i + 16 + incl]
        i += 16 + incl
        off = {1: 14, 113: 16, 101: 0, 228: 0}.get(linktype, 14)
        if linktype == 1 and frame[12:14] == b"\x81\x00":
            off += 4
        ip = frame[off:]
        if not ip or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17:
            continue
        yield ip[ihl + 8:]


def x509_cases(shared):
    fx = os.path.join(shared, "fixtures", "ntpd-4.2.8p15")
    cert = pem_der(os.path.join(fx, "iff-md5-512/server/ntpkey_RSA-MD5cert_servername.4004702989"))
    reg = "regressions/x509_certificate_parse/"
    write(reg + "NEW-1_not_before_generalized_fraction.bin",
          rebuild_cert(cert, set_times(0x18, b"20200101000000.123456789Z")))
    write(reg + "NEW-1_not_before_utctime_11.bin", rebuild_cert(cert, set_times(0x17, b"2001010000Z")))
    write(reg + "NEW-1_not_before_utctime_12.bin", rebuild_cert(cert, set_times(0x17, b"200101000000")))
    write(reg + "NEW-1_not_before_36_A.bin", rebuild_cert(cert, set_times(0x17, b"A" * 36)))
    write(reg + "NEW-1_not_before_empty.bin", rebuild_cert(cert, set_times(0x17, b"")))
    write(reg + "NEW-1b_not_before_ends_in_digit.bin", rebuild_cert(cert, set_times(0x17, b"2001010000000")))
    write(reg + "NEW-6_subject_no_cn_value_contains_cn.bin", rebuild_cert(cert, set_subject([(OID_O, "xCN=evil")])))
    write(reg + "NEW-6_subject_two_cn.bin", rebuild_cert(cert, set_subject([(OID_CN, "a"), (OID_CN, "b")])))
    write(reg + "NEW-6_subject_cn_300.bin", rebuild_cert(cert, set_subject([(OID_CN, "c" * 300)])))
    for n in (0, 1, 2, 130):
        write(reg + "row24_ski_%d_octets.bin" % n, rebuild_cert(cert, add_ski(der(0x04, b"\x07" * n))))


def identity_cases():
    reg = "regressions/identity_response_decode/"
    write(reg + "NEW-2_iff_one_octet_challenge.bin", b"\x03\x01")
    write(reg + "NEW-2_gq_one_octet_challenge.bin", b"\x04\x01")
    write(reg + "NEW-5_mv_response_16_random_octets.bin", b"\x02" + bytes(range(16)))
    write(reg + "CVE-2009-0021_iff_response_not_der.bin", b"\x00" + b"\xff" * 40)


def key_file_cases():
    reg = "regressions/key_file_parse/"
    pem = "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"
    write(reg + "file-seed_first_line_without_dot.bin", ("# ntpkey_host_servername\n# x\n" + pem).encode())
    write(reg + "file-seed_dot_then_letters.bin", ("# ntpkey_RSAhost_servername.abc\n" + pem).encode())
    write(reg + "file-seed_filestamp_4294967296.bin", ("# ntpkey_RSAhost_servername.4294967296\n" + pem).encode())
    write(reg + "file-seed_first_line_300.bin", ("# ntpkey_RSAhost_" + "s" * 300 + ".4004702989\n" + pem).encode())
    write(reg + "file-seed_wrong_pem_type.bin",
          ("# ntpkey_RSAhost_servername.4004702989\n-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n").encode())
    write(reg + "file-seed_unterminated_pem.bin", ("# ntpkey_RSAhost_servername.4004702989\n-----BEGIN PRIVATE KEY-----\nMIIB\n").encode())


def control_cases():
    reg = "regressions/control_request_bounded/"
    def req(op, seq, assoc, data=b""):
        return bytes([0x16, op, seq >> 8, seq & 255, 0, 0, assoc >> 8, assoc & 255, 0, 0, len(data) >> 8, len(data) & 255]) + pad4(data)
    write(reg + "Bug-2867_readvar_autokey_variables.bin", req(2, 1, 0, b"flags,host,cert,signature,update,until,ident,digest"))
    write(reg + "Bug-2867_readvar_peer_autokey_variables.bin", req(2, 2, 36732, b"flags,host,initsequence,initkey,timestamp,signature"))
    write(reg + "Sec-3610_short_request.bin", bytes([0x16, 2, 0, 1, 0, 0]))
    write(reg + "CVE-2015-7855_count_beyond_datagram.bin", bytes([0x16, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0x01, 0xF4]) + b"a" * 8)


def config_corpus():
    c = "corpus/config_parse/"
    write(c + "crypto_every_subcommand.conf", b"""# every crypto subcommand p15 takes
crypto pw secret host alice ident grp randfile /dev/urandom digest sha1
keysdir /etc/ntp/keys/
ident grp
automax 12
revoke 17
server 10.0.0.1 autokey ident grp iburst minpoll 4 maxpoll 10
peer 10.0.0.2 autokey version 4 prefer
broadcast 10.0.0.255 autokey ttl 4
broadcastclient
manycastclient 239.1.1.1 autokey
pool pool.example.org iburst
""")
    write(c + "everything_else.conf", b"""driftfile /var/lib/ntp/drift
statsdir /var/log/ntpstats/
statistics loopstats peerstats clockstats cryptostats
filegen cryptostats file cryptostats type day link enable
filegen peerstats file peerstats type week nolink disable
restrict default kod nomodify notrap nopeer noquery limited
restrict -6 ::1
restrict 127.0.0.0 mask 255.0.0.0
server 127.127.1.0
fudge 127.127.1.0 stratum 3 time1 0.5 refid LOCL
enable auth monitor
disable ntp kernel
keys /etc/ntp/keys
trustedkey 1 2 3
controlkey 1
requestkey 2
broadcastdelay 0.008
leapfile "/usr/share/zoneinfo/leap-seconds.list"
port 12345
""")
    write(c + "removed_crypto_subcommands.conf", b"crypto cert x leap y sign z gqpar w\n")
    write(c + "unterminated_string.conf", b'leapfile "/usr/share/zoneinfo\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(FUZZ), "..", "shared"))
    args = ap.parse_args()
    engine_programs(args.shared)
    server_requests()
    value_decoder_cases()
    value_decoder_corpus(args.shared)
    x509_cases(args.shared)
    identity_cases()
    key_file_cases()
    control_cases()
    config_corpus()


if __name__ == "__main__":
    main()
