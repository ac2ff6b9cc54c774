// Result<T, E>: the value of an operation that can fail without throwing.
//
// Parsers in this project never throw across their boundary (design.md,
// "Parsers"): they return a Result whose error is an enum class naming the
// rule that was broken. std::expected is C++23; this is the small subset the
// project needs, kept in the bottom layer so every layer can share it.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ak {

// Wraps an error so that Result<T, E> can be built from it unambiguously,
// even when T and E are the same type.
template <class E>
struct Err {
  E error;
};
template <class E>
Err(E) -> Err<E>;

template <class T, class E>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  template <class E2>
  Result(Err<E2> err) : v_(std::in_place_index<1>, E(std::move(err.error))) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

// Result<void, E>: success carries nothing.
struct Ok {};

template <class E>
using Status = Result<Ok, E>;

}  // namespace ak

// Propagate an error: AK_TRY(auto x, parse_thing(r));
#define AK_CONCAT_INNER(a, b) a##b
#define AK_CONCAT(a, b) AK_CONCAT_INNER(a, b)
#define AK_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                 \
  if (!tmp.ok()) return ::ak::Err{tmp.error()}; \
  decl = std::move(tmp).value()
#define AK_TRY(decl, expr) AK_TRY_IMPL(AK_CONCAT(ak_try_, __LINE__), decl, expr)
