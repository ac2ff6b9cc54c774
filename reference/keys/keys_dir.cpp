#include "keys/keys_dir.h"


#include <utility>

#include "keys/file_name.h"
#include "keys/identity.h"
#include "keys/key_file.h"

namespace ak::keys {
namespace {

// The outcome of looking for one name: absent, or read (maybe failed).
struct Lookup {
  std::optional<KeyFile> file;
  std::optional<KeyError> error;  // set when the file exists but fails to read
};

Lookup look(const std::filesystem::path& dir, const std::string& name) {
  auto r = read_key_file(dir / name);
  if (r.ok()) return Lookup{std::move(r).value(), std::nullopt};
  if (r.error() == KeyError::FileNotFound) return Lookup{};
  return Lookup{std::nullopt, r.error()};
}

class Loader {
 public:
  explicit Loader(const KeysDirOptions& o)
      : opt_(o),
        group_(o.ident.empty() ? o.host : o.ident),
        password_(o.password.empty() ? o.host : o.password) {}

  Result<LoadedKeys, KeysDirError> run() {
    LoadedKeys out;
    // RFC 5906 §10 / autokey-protocol.md §8.7: host key and certificate are required.
    {
      const auto name = format_link_name(LinkRole::Host, opt_.host);
      auto f = require(KeyRole::Host, name);
      if (!f.ok()) return Err{f.error()};
      auto key = load_host_key(*f, password_);
      if (!key.ok()) return fail(KeyRole::Host, name, &*f, key.error());
      note(KeyRole::Host, name, *f, "RSA " + std::to_string((*key)->key_length()) + " bits");
      out.host = {std::move(key).value(), f->filestamp, opt_.dir / name, f->file_name};
    }
    {
      const auto name = format_link_name(LinkRole::Sign, opt_.host);
      const Lookup l = look(opt_.dir, name);
      if (l.error) return fail(KeyRole::Sign, name, nullptr, *l.error);
      if (l.file) {
        auto key = load_sign_key(*l.file, password_);
        if (!key.ok()) return fail(KeyRole::Sign, name, &*l.file, key.error());
        note(KeyRole::Sign, name, *l.file,
             (*key)->algo_name() + " " + std::to_string((*key)->key_length()) + " bits");
        out.sign = Stamped<std::unique_ptr<Botan::Private_Key>>{
            std::move(key).value(), l.file->filestamp, opt_.dir / name, l.file->file_name};
      } else {
        absent(KeyRole::Sign, name, "absent: the host key signs");
      }
    }
    {
      const auto name = format_link_name(LinkRole::Cert, opt_.host);
      auto f = require(KeyRole::Cert, name);
      if (!f.ok()) return Err{f.error()};
      auto cert = load_certificate(*f);
      if (!cert.ok()) return fail(KeyRole::Cert, name, &*f, cert.error());
      note(KeyRole::Cert, name, *f, "certificate, " + std::to_string(cert->der.size()) + " octets");
      out.certificate = std::move(cert).value();
    }
    // Server identity keys: ntpkey_<s>key_<G>, falling back to <H>.
    const std::vector<std::string> server_owners = owners({group_, opt_.host});
    if (auto e = identity(KeyRole::IffKey, {LinkRole::IffKey}, server_owners, password_, load_iff,
                          out.iff_key))
      return Err{*e};
    if (auto e = identity(KeyRole::GqKey, {LinkRole::GqKey}, server_owners, password_, load_gq,
                          out.gq_key))
      return Err{*e};
    if (auto e = identity(KeyRole::MvKey, {LinkRole::MvKey}, server_owners, password_, load_mv,
                          out.mv_key))
      return Err{*e};
    // Client parameters, read with no password as ntpd does (§3.5): the
    // 4.2.8 name for G first, then the 4.2.5-era names for G and H.
    if (auto e = client(KeyRole::IffPar, LinkRole::IffPar, LinkRole::Iff, load_iff, out.iff_par))
      return Err{*e};
    if (auto e = client(KeyRole::GqPar, LinkRole::GqPar, LinkRole::Gq, load_gq, out.gq_par))
      return Err{*e};
    if (auto e = client(KeyRole::MvPar, LinkRole::MvPar, LinkRole::Mv, load_mv, out.mv_par))
      return Err{*e};
    out.found = std::move(found_);
    return out;
  }

 private:
  static std::vector<std::string> owners(std::vector<std::string> names) {
    std::vector<std::string> out;
    for (auto& n : names)
      if (!n.empty() && (out.empty() || out.front() != n)) out.push_back(std::move(n));
    return out;
  }

  KeysDirError error(KeyRole role, const std::string& name, KeyError e) {
    return KeysDirError{e, role, name, found_};
  }

  Err<KeysDirError> fail(KeyRole role, const std::string& name, const KeyFile* f, KeyError e) {
    FoundFile ff{role, name, std::nullopt, std::nullopt, e, {}};
    if (f) {
      ff.target = f->file_name;
      ff.filestamp = f->filestamp;
    }
    found_.push_back(std::move(ff));
    return Err{error(role, name, e)};
  }

  Result<KeyFile, KeysDirError> require(KeyRole role, const std::string& name) {
    Lookup l = look(opt_.dir, name);
    if (l.file) return std::move(*l.file);
    return fail(role, name, nullptr, l.error.value_or(KeyError::FileNotFound));
  }

  void note(KeyRole role, const std::string& name, const KeyFile& f, std::string detail) {
    found_.push_back(FoundFile{role, name, f.file_name, f.filestamp, std::nullopt, std::move(detail)});
  }
  void absent(KeyRole role, const std::string& name, std::string detail) {
    found_.push_back(FoundFile{role, name, std::nullopt, std::nullopt, std::nullopt, std::move(detail)});
  }

  template <class T, class LoadFn>
  std::optional<KeysDirError> try_names(KeyRole role, const std::vector<std::string>& names,
                                        std::string_view password, LoadFn load,
                                        std::optional<Stamped<T>>& slot) {
    for (const auto& name : names) {
      const Lookup l = look(opt_.dir, name);
      if (l.error) return fail(role, name, nullptr, *l.error).error;
      if (!l.file) continue;
      auto v = load(*l.file, password);
      if (!v.ok()) return fail(role, name, &*l.file, v.error()).error;
      note(role, name, *l.file, summary(*v));
      slot = Stamped<T>{std::move(v).value(), l.file->filestamp, opt_.dir / name, l.file->file_name};
      return std::nullopt;
    }
    absent(role, names.empty() ? std::string() : names.front(), "absent");
    return std::nullopt;
  }

  template <class T, class LoadFn>
  std::optional<KeysDirError> identity(KeyRole role, std::vector<LinkRole> links,
                                       const std::vector<std::string>& who,
                                       std::string_view password, LoadFn load,
                                       std::optional<Stamped<T>>& slot) {
    std::vector<std::string> names;
    for (LinkRole l : links)
      for (const auto& w : who) names.push_back(format_link_name(l, w));
    return try_names<T>(role, names, password, load, slot);
  }

  template <class T, class LoadFn>
  std::optional<KeysDirError> client(KeyRole role, LinkRole modern, LinkRole legacy, LoadFn load,
                                     std::optional<Stamped<T>>& slot) {
    std::vector<std::string> names{format_link_name(modern, group_)};
    for (const auto& w : owners({group_, opt_.host})) names.push_back(format_link_name(legacy, w));
    return try_names<T>(role, names, std::string_view(), load, slot);
  }

  static std::string summary(const crypto::IffParams& p) {
    return "IFF " + std::to_string(p.p.bits()) + "-bit p, " +
           (p.b ? "server key (b)" : "client parameters (v)");
  }
  static std::string summary(const crypto::GqParams& p) {
    return "GQ " + std::to_string(p.n.bits()) + "-bit n, " +
           (p.u ? "server key (u, v)" : "client parameters (n, b)");
  }
  static std::string summary(const crypto::MvParams& p) {
    return "MV " + std::to_string(p.p.bits()) + "-bit p, " +
           (p.gbar ? "server key" : "client key");
  }

  const KeysDirOptions& opt_;
  std::string group_;
  std::string password_;
  std::vector<FoundFile> found_;
};

}  // namespace

std::string_view role_name(KeyRole role) {
  switch (role) {
    case KeyRole::Host: return "host key";
    case KeyRole::Sign: return "sign key";
    case KeyRole::Cert: return "certificate";
    case KeyRole::IffKey: return "IFF server key";
    case KeyRole::GqKey: return "GQ server key";
    case KeyRole::MvKey: return "MV server key";
    case KeyRole::IffPar: return "IFF client parameters";
    case KeyRole::GqPar: return "GQ client parameters";
    case KeyRole::MvPar: return "MV client parameters";
  }
  return "key";
}

const Botan::Private_Key& LoadedKeys::sign_key() const {
  if (sign) return *sign->value;
  return *host.value;
}

std::uint32_t LoadedKeys::sign_filestamp() const {
  return sign ? sign->filestamp : host.filestamp;
}

Result<LoadedKeys, KeysDirError> load_keys_dir(const KeysDirOptions& options) {
  return Loader(options).run();
}

std::string describe(const KeysDirError& e) {
  return std::string(role_name(e.role)) + " " + e.name + ": " + message(e.error);
}

std::string describe(const std::vector<FoundFile>& found) {
  std::string out;
  for (const auto& f : found) {
    out += std::string(role_name(f.role)) + "  " + f.name;
    if (f.target) out += " -> " + *f.target;
    if (f.filestamp) out += "  fs " + std::to_string(*f.filestamp);
    if (f.error) out += "  ERROR " + std::string(name(*f.error)) + ": " + message(*f.error);
    if (!f.detail.empty()) out += "  " + f.detail;
    out += "\n";
  }
  return out;
}

}  // namespace ak::keys
