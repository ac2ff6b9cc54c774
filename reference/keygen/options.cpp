#include "keygen/options.h"

#include <algorithm>
#include <cctype>
#include <cstddef>

#include "crypto/certificate.h"

// Propagates the error of a Status.
#define AK_KEYGEN_CHECK(expr)                 \
  do {                                        \
    auto ak_st_ = (expr);                     \
    if (!ak_st_.ok()) return ::ak::Err{ak_st_.error()}; \
  } while (false)

namespace ak::keygen {
namespace {

enum class Arg : std::uint8_t { None, Required };

struct Spec {
  char short_name;  // '\0' when there is none
  const char* long_name;
  Arg arg;
};

// operator-surface §1.1, in --help order; --legacy-names is ours.
constexpr Spec kSpecs[] = {
    {'b', "imbits", Arg::Required},       {'c', "certificate", Arg::Required},
    {'C', "cipher", Arg::Required},       {'d', "debug-level", Arg::None},
    {'D', "set-debug-level", Arg::Required}, {'e', "id-key", Arg::None},
    {'G', "gq-params", Arg::None},        {'H', "host-key", Arg::None},
    {'I', "iffkey", Arg::None},           {'i', "ident", Arg::Required},
    {'l', "lifetime", Arg::Required},     {'m', "modulus", Arg::Required},
    {'M', "md5key", Arg::None},           {'P', "pvt-cert", Arg::None},
    {'p', "password", Arg::Required},     {'q', "export-passwd", Arg::Required},
    {'S', "sign-key", Arg::Required},     {'s', "subject-name", Arg::Required},
    {'T', "trusted-cert", Arg::None},     {'V', "mv-params", Arg::Required},
    {'v', "mv-keys", Arg::Required},      {'?', "help", Arg::None},
    {'\0', "legacy-names", Arg::None},
};

const Spec* find_short(char c) {
  for (const auto& s : kSpecs)
    if (s.short_name == c && c != '\0') return &s;
  return nullptr;
}

const Spec* find_long(std::string_view name) {
  for (const auto& s : kSpecs)
    if (name == s.long_name) return &s;
  return nullptr;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Decimal, no sign, no overflow (digits are bounded before converting).
std::optional<unsigned> parse_unsigned(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

// A host or group part: what crypto::valid_name accepts for a name without '@'.
bool valid_part(const std::string& s) { return s.find('@') == std::string::npos && crypto::valid_name(s); }

using Failure = OptionFailure;

Status<OptionFailure> apply(Options& o, const Spec& spec, const std::string& value, const std::string& shown) {
  const auto fail = [&](OptionError e, const std::string& what) -> Status<OptionFailure> {
    return Err{Failure{e, what}};
  };
  const auto number = [&](unsigned lo, unsigned hi, OptionError range) -> Result<unsigned, OptionFailure> {
    const auto n = parse_unsigned(value);
    if (!n) return Err{Failure{OptionError::NotANumber, shown + " " + value}};
    if (*n < lo || *n > hi) return Err{Failure{range, shown + " " + value}};
    return *n;
  };
  switch (spec.short_name) {
    case 'b': {
      AK_TRY(const unsigned n, number(kMinIdentityBits, kMaxIdentityBits, OptionError::IdentityBitsOutOfRange));
      o.identity_bits = n;
      break;
    }
    case 'c': {
      const auto d = parse_scheme(value);
      if (!d) return fail(OptionError::UnknownDigest, value);
      o.digest = d;
      break;
    }
    case 'C':
      // Only ntp-keygen's default cipher: the writer encrypts exactly as
      // ntp-keygen does under OpenSSL 3 (operator-surface §1.10).
      if (upper(value) != "DES-EDE3-CBC") return fail(OptionError::UnsupportedOption, shown + " " + value);
      break;
    case 'd':
      ++o.debug;
      break;
    case 'D': {
      AK_TRY(const unsigned n, number(0, 100, OptionError::NotANumber));
      o.debug = static_cast<int>(n);
      break;
    }
    case 'e':
      o.export_params = true;
      break;
    case 'G':
      o.gq = true;
      break;
    case 'H':
      o.new_host_key = true;
      break;
    case 'I':
      o.iff = true;
      break;
    case 'i':
      if (!valid_part(value)) return fail(OptionError::BadName, shown + " " + value);
      o.group = value;
      break;
    case 'l': {
      AK_TRY(const unsigned n, number(1, kMaxLifetimeDays, OptionError::LifetimeOutOfRange));
      o.lifetime_days = n;
      break;
    }
    case 'm': {
      AK_TRY(const unsigned n, number(kMinModulusBits, kMaxModulusBits, OptionError::ModulusOutOfRange));
      o.modulus_bits = n;
      break;
    }
    case 'M':
      o.md5_keys = true;
      break;
    case 'P':
      o.private_cert = true;
      break;
    case 'p':
      if (value.empty()) return fail(OptionError::EmptyPassword, shown);
      o.password = value;
      break;
    case 'q':
      if (value.empty()) return fail(OptionError::EmptyPassword, shown);
      o.export_password = value;
      break;
    case 'S': {
      const auto t = upper(value);
      if (t == "RSA") {
        o.sign_key = SignKeyType::Rsa;
      } else if (t == "DSA") {
        o.sign_key = SignKeyType::Dsa;
      } else {
        return fail(OptionError::UnknownSignKeyType, value);
      }
      break;
    }
    case 's': {
      // operator-surface §1.2: "host@group"; "@group" keeps the system host.
      const auto at = value.find('@');
      const std::string h = value.substr(0, at);
      if (at != std::string::npos) {
        const std::string g = value.substr(at + 1);
        if (!valid_part(g)) return fail(OptionError::BadName, shown + " " + value);
        o.group = g;
      }
      if (!h.empty()) {
        if (!valid_part(h)) return fail(OptionError::BadName, shown + " " + value);
        o.host = h;
      } else if (at == std::string::npos) {
        return fail(OptionError::BadName, shown + " " + value);
      }
      break;
    }
    case 'T':
      o.trusted_cert = true;
      break;
    case 'V': {
      AK_TRY(const unsigned n, number(1, kMaxMvClients, OptionError::MvClientsOutOfRange));
      o.mv_clients = n;
      break;
    }
    case 'v':
      // ntp-keygen parses -v but it has no effect (operator-surface §1.1).
      if (!parse_unsigned(value)) return fail(OptionError::NotANumber, shown + " " + value);
      break;
    case '?':
      o.help = true;
      break;
    case '\0':
      o.legacy_names = true;
      break;
    default:
      return fail(OptionError::UnknownOption, shown);
  }
  return Ok{};
}

// Checks that need several options together.
Status<OptionFailure> check_combination(const Options& o) {
  if (o.sign_key == SignKeyType::Dsa) {
    const auto d = o.digest.value_or(crypto::Digest::SHA256);
    if (!crypto::signature_nid(crypto::SignatureKeyType::DSA, d))
      return Err{Failure{OptionError::DigestNotUsableWithDsa, "-S DSA -c " + scheme_short_name(d)}};
  }
  if (o.mv_clients) {
    // group_gen: q is the product of clients+1 primes of b/(clients+1) bits.
    const unsigned bits = o.identity_bits.value_or(kDefaultIdentityBits);
    if (bits / (*o.mv_clients + 1) < 16)
      return Err{Failure{OptionError::MvFactorsTooSmall,
                         "-V " + std::to_string(*o.mv_clients) + " -b " + std::to_string(bits)}};
  }
  return Ok{};
}

}  // namespace

const char* message(OptionError e) {
  switch (e) {
    case OptionError::UnknownOption:
      return "unknown option (see --help)";
    case OptionError::MissingArgument:
      return "option needs a value";
    case OptionError::UnexpectedArgument:
      return "unexpected argument (options only; this option takes no value)";
    case OptionError::NotANumber:
      return "value is not a decimal number";
    case OptionError::ModulusOutOfRange:
      return "-m (host/sign key modulus) must be 512..2048 bits";
    case OptionError::IdentityBitsOutOfRange:
      return "-b (identity modulus) must be 256..2048 bits";
    case OptionError::MvClientsOutOfRange:
      return "-V (MV client keys) must be 1..99";
    case OptionError::MvFactorsTooSmall:
      return "-b is too small for this many MV clients: each of the n+1 primes of q needs at least 16 bits; "
             "raise -b or lower -V";
    case OptionError::LifetimeOutOfRange:
      return "-l (certificate lifetime) must be 1..36500 days";
    case OptionError::UnknownDigest:
      return "unknown or unsupported signature scheme for -c; use RSA-MD5, RSA-SHA1, RSA-SHA224, RSA-SHA256, "
             "RSA-SHA384, RSA-SHA512 (or DSA-SHA1, DSA-SHA224, DSA-SHA256 with -S DSA)";
    case OptionError::DigestNotUsableWithDsa:
      return "a DSA sign key cannot sign with this digest; use -c SHA1, SHA224 or SHA256";
    case OptionError::UnknownSignKeyType:
      return "-S takes RSA or DSA";
    case OptionError::EmptyPassword:
      return "an empty password cannot encrypt a key file";
    case OptionError::BadName:
      return "host and group names must be 1..255 printable characters without spaces, "
             "written as host, host@group or @group";
    case OptionError::UnsupportedOption:
      return "option not supported by autokey-keygen (only -C des-ede3-cbc, ntp-keygen's default, is)";
  }
  return "invalid option";
}

std::string describe(const OptionFailure& f) {
  return std::string("autokey-keygen: ") + message(f.error) + ": " + f.option;
}

Result<Options, OptionFailure> parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      const auto eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const Spec* spec = find_long(name);
      if (!spec) {
        if (name == "more-help") spec = find_long("help");
        if (!spec) return Err{Failure{OptionError::UnknownOption, a}};
      }
      std::string value;
      if (spec->arg == Arg::Required) {
        if (eq != std::string::npos) {
          value = a.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return Err{Failure{OptionError::MissingArgument, a}};
        }
      } else if (eq != std::string::npos) {
        return Err{Failure{OptionError::UnexpectedArgument, a}};
      }
      AK_KEYGEN_CHECK(apply(o, *spec, value, "--" + name));
      continue;
    }
    if (a.size() < 2 || a[0] != '-') return Err{Failure{OptionError::UnexpectedArgument, a}};
    // A bundle of short options; one that takes a value ends the bundle.
    for (std::size_t k = 1; k < a.size(); ++k) {
      const char c = a[k];
      const Spec* spec = (c == '!') ? find_short('?') : find_short(c);
      const std::string shown = std::string("-") + c;
      if (!spec) return Err{Failure{OptionError::UnknownOption, shown}};
      std::string value;
      if (spec->arg == Arg::Required) {
        if (k + 1 < a.size()) {
          value = a.substr(k + 1);
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return Err{Failure{OptionError::MissingArgument, shown}};
        }
        AK_KEYGEN_CHECK(apply(o, *spec, value, shown));
        break;
      }
      AK_KEYGEN_CHECK(apply(o, *spec, value, shown));
    }
  }
  AK_KEYGEN_CHECK(check_combination(o));
  return o;
}

std::optional<crypto::Digest> parse_scheme(std::string_view name) {
  std::string n = upper(name);
  bool dsa = false;
  if (n.compare(0, 4, "RSA-") == 0) {
    n = n.substr(4);
  } else if (n.compare(0, 4, "DSA-") == 0) {
    n = n.substr(4);
    dsa = true;
  }
  using crypto::Digest;
  std::optional<Digest> d;
  if (n == "MD5" && !dsa) d = Digest::MD5;
  if (n == "SHA1") d = Digest::SHA1;
  if (n == "SHA224") d = Digest::SHA224;
  if (n == "SHA256") d = Digest::SHA256;
  if (n == "SHA384" && !dsa) d = Digest::SHA384;
  if (n == "SHA512" && !dsa) d = Digest::SHA512;
  return d;
}

std::string scheme_short_name(crypto::Digest d) {
  using crypto::Digest;
  switch (d) {
    case Digest::MD5:
      return "RSA-MD5";
    case Digest::SHA1:
      return "RSA-SHA1";
    case Digest::SHA224:
      return "RSA-SHA224";
    case Digest::SHA256:
      return "RSA-SHA256";
    case Digest::SHA384:
      return "RSA-SHA384";
    case Digest::SHA512:
      return "RSA-SHA512";
    case Digest::RIPEMD160:
      return "RSA-RIPEMD160";
  }
  return "RSA";
}

std::string usage_text() {
  return R"(autokey-keygen - generate Autokey (RFC 5906) key files that ntpd 4.2.8p15 reads
Usage:  autokey-keygen [ -<flag> [<val>] | --<name>[{=| }<val>] ]...

   -b, --imbits=num         identity modulus bits, 256..2048 (default 2048; q 256 bits,
                            160 bits below 2048)
   -c, --certificate=str    certificate scheme: RSA-MD5, RSA-SHA1, RSA-SHA224, RSA-SHA256
                            (default, or that of the existing certificate), RSA-SHA384,
                            RSA-SHA512; DSA-SHA1, DSA-SHA224, DSA-SHA256 with -S DSA
   -C, --cipher=str         private-key cipher (only des-ede3-cbc, the default)
   -d, --debug-level        more detail on stderr (never private values)
   -D, --set-debug-level=num
   -e, --id-key             write the identity parameters (client files) to stdout
   -G, --gq-params          generate a GQ key file
   -H, --host-key           generate a new RSA host key even if one exists
   -I, --iffkey             generate an IFF key file
   -i, --ident=str          group name (default: the system host name)
   -l, --lifetime=num       certificate lifetime in days (default 365)
   -m, --modulus=num        host/sign key modulus bits, 512..2048 (default 2048)
   -M, --md5key             write only the symmetric key file (link ntp.keys)
   -P, --pvt-cert           private certificate (extended key usage Private)
   -p, --password=str       password of the key files (default: the system host name)
   -q, --export-passwd=str  write the server identity keys to stdout, encrypted with str
   -S, --sign-key=str       generate a separate sign key: RSA or DSA
   -s, --subject-name=str   host, host@group or @group
   -T, --trusted-cert       trusted certificate (extended key usage Trust Root)
   -V, --mv-params=num      generate MV keys for num clients, 1..99
   -v, --mv-keys=num        accepted for compatibility; no effect
       --legacy-names       with -e, also write each export as ntpkey_<s>par_<group>.<fs>
                            with the 4.2.5-era link ntpkey_<s>_<group> (iff, gq, mv)
   -?, --help               this text

Files are written to the current directory with mode 0600: ntpkey_<Type>_<name>.<filestamp>
and the links ntpkey_host_<host>, ntpkey_cert_<host>, ntpkey_iffkey_<host>, ... as ntp-keygen
names them. Legacy sizes (-m 512 -c RSA-MD5 -b 512) interoperate with old peers but are weak.
Environment (tests): AUTOKEY_KEYGEN_NOW=<unix seconds> fixes the clock,
AUTOKEY_KEYGEN_HOST=<name> replaces the system host name.
)";
}

}  // namespace ak::keygen
