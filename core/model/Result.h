#pragma once

#include "Error.h"

#include <type_traits>
#include <utility>
#include <variant>

namespace gatehouse {

// A value or an Error: how every core call reports failure (no exceptions past startup).
//
//     Result<Store> r = Store::open(path);
//     if (!r)
//         return r.error();
//     use(r.value());
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(const T &value)
        : m_state(std::in_place_index<0>, value)
    {}
    Result(T &&value)
        : m_state(std::in_place_index<0>, std::move(value))
    {}
    Result(Error error)
        : m_state(std::in_place_index<1>, std::move(error))
    {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    // Precondition: !ok().
    const Error &error() const { return std::get<1>(m_state); }

    T valueOr(T fallback) const & { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_state;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error)),
          m_ok(false)
    {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error makeError(ErrorCode code, QString message)
{
    return Error{code, std::move(message)};
}

} // namespace gatehouse
