#include "keys/errors.h"

namespace ak::keys {

const char* message(KeyError e) {
  switch (e) {
    case KeyError::FileNotFound:
      return "key file not found (check keysdir, the host/group name in the file name, and that "
             "every ntpkey_* link points at a file in the same directory)";
    case KeyError::NotReadable:
      return "key file exists but cannot be read (check its permissions and owner)";
    case KeyError::NotRegularFile:
      return "path is not a regular file";
    case KeyError::FileTooLarge:
      return "file is larger than 1 MiB; ntp-keygen files are a few kilobytes, so this is not a "
             "key file";
    case KeyError::LinkLoop:
      return "too many links to follow (a loop of ntpkey_* links or link files?)";
    case KeyError::NoHeader:
      return "first line is not the ntp-keygen header '# <file name>.<filestamp>'; ntpd takes "
             "the filestamp from it and treats the key as absent without it";
    case KeyError::BadFilestamp:
      return "first line does not end in '.<filestamp>' with a decimal 32-bit filestamp; ntpd "
             "treats the key as absent";
    case KeyError::NoPemBlock:
      return "no PEM block ('-----BEGIN ...-----') in the file";
    case KeyError::MalformedPem:
      return "damaged PEM block (BEGIN without END, bad header line or bad base64)";
    case KeyError::TooManyPemBlocks:
      return "more PEM blocks than any ntp-keygen file holds";
    case KeyError::UnknownPemLabel:
      return "unsupported PEM block; expected ENCRYPTED PRIVATE KEY, PRIVATE KEY, RSA PRIVATE "
             "KEY, DSA PRIVATE KEY or CERTIFICATE";
    case KeyError::PasswordRequired:
      return "the key is encrypted but no password was given (ntpd opens the client parameter "
             "files ntpkey_<scheme>par_<group> without a password: install the unencrypted "
             "'ntp-keygen -e' export there)";
    case KeyError::WrongPassword:
      return "cannot decrypt the key: wrong password (crypto pw / ntp-keygen -p) or a damaged "
             "file";
    case KeyError::UnsupportedEncryption:
      return "encrypted with a scheme other than PBES2 (PBKDF2 with a CBC cipher); convert it "
             "with 'openssl pkcs8 -topk8 -v2 des3 -in old -out new'";
    case KeyError::UnsupportedTraditionalEncryption:
      return "traditional encrypted PEM (Proc-Type: 4,ENCRYPTED / DEK-Info, as 4.2.6-era "
             "ntp-keygen wrote) is not supported; convert it to encrypted PKCS#8 with "
             "'openssl pkcs8 -topk8 -v2 des3 -in old -out new' and keep the two '#' header "
             "lines at the top";
    case KeyError::MalformedKey:
      return "the key's DER structure does not decode";
    case KeyError::UnsupportedKeyType:
      return "key algorithm is neither RSA nor DSA";
    case KeyError::NotRsaKey:
      return "not an RSA key; the host key and the GQ key must be RSA";
    case KeyError::NotDsaKey:
      return "not a DSA key; IFF and MV parameter files are DSA containers";
    case KeyError::NotRsaOrDsaKey:
      return "sign key is neither RSA nor DSA";
    case KeyError::ModulusTooLarge:
      return "modulus larger than 8192 bits; refused";
    case KeyError::NotCertificate:
      return "first PEM block is not a CERTIFICATE (ntpd: wrong PEM type)";
    case KeyError::IffPublicValueLost:
      return "IFF client parameters without the public value v: the file holds only p, q, g "
             "and the dummy private value 1, because 'ntp-keygen -e' under OpenSSL 3 writes "
             "PKCS#8, which does not store v. A client using it fails with 'identity not "
             "verified'. Fix: export again with 'autokey-keygen -e', or rebuild the file in the "
             "traditional 'DSA PRIVATE KEY' layout SEQUENCE {0, p, q, g, v, 1} with "
             "v = g^(q-b) mod p (b from the server's IFF key), keeping the header lines";
    case KeyError::MvPublicValueLost:
      return "MV key without its public value (ghat for the server, xhat for a client): "
             "PKCS#8 does not store it (ntp-keygen under OpenSSL 3). Fix: write the key in the "
             "traditional 'DSA PRIVATE KEY' layout, e.g. with autokey-keygen";
    case KeyError::ParametersInconsistent:
      return "identity parameters are inconsistent (values outside their group, or the "
             "public and private values do not match)";
    case KeyError::BadFileName:
      return "not an ntp-keygen file name (ntpkey_<type>_<name>[.<filestamp>])";
    case KeyError::EncodeFailed:
      return "the key could not be encoded or encrypted";
    case KeyError::WriteFailed:
      return "the file or link could not be written (check the directory's permissions and "
             "free space)";
  }
  return "unknown key-file error";
}

std::string_view name(KeyError e) {
  switch (e) {
    case KeyError::FileNotFound: return "FileNotFound";
    case KeyError::NotReadable: return "NotReadable";
    case KeyError::NotRegularFile: return "NotRegularFile";
    case KeyError::FileTooLarge: return "FileTooLarge";
    case KeyError::LinkLoop: return "LinkLoop";
    case KeyError::NoHeader: return "NoHeader";
    case KeyError::BadFilestamp: return "BadFilestamp";
    case KeyError::NoPemBlock: return "NoPemBlock";
    case KeyError::MalformedPem: return "MalformedPem";
    case KeyError::TooManyPemBlocks: return "TooManyPemBlocks";
    case KeyError::UnknownPemLabel: return "UnknownPemLabel";
    case KeyError::PasswordRequired: return "PasswordRequired";
    case KeyError::WrongPassword: return "WrongPassword";
    case KeyError::UnsupportedEncryption: return "UnsupportedEncryption";
    case KeyError::UnsupportedTraditionalEncryption: return "UnsupportedTraditionalEncryption";
    case KeyError::MalformedKey: return "MalformedKey";
    case KeyError::UnsupportedKeyType: return "UnsupportedKeyType";
    case KeyError::NotRsaKey: return "NotRsaKey";
    case KeyError::NotDsaKey: return "NotDsaKey";
    case KeyError::NotRsaOrDsaKey: return "NotRsaOrDsaKey";
    case KeyError::ModulusTooLarge: return "ModulusTooLarge";
    case KeyError::NotCertificate: return "NotCertificate";
    case KeyError::IffPublicValueLost: return "IffPublicValueLost";
    case KeyError::MvPublicValueLost: return "MvPublicValueLost";
    case KeyError::ParametersInconsistent: return "ParametersInconsistent";
    case KeyError::BadFileName: return "BadFileName";
    case KeyError::EncodeFailed: return "EncodeFailed";
    case KeyError::WriteFailed: return "WriteFailed";
  }
  return "Unknown";
}

}  // namespace ak::keys
