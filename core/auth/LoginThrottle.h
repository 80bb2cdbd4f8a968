#pragma once

#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QDateTime>
#include <QString>
#include <QStringView>

#include <optional>

namespace gatehouse {

// Limits for throttling sign-in attempts per source address (SEC-10, E14).
//
// - maxFailuresPerWindow (default 20): the per-account lock (Credentials::kLockThreshold, 5)
//   already stops guessing at one account; this limit stops one address from spraying guesses
//   over many accounts. It is four times looser because an office or carrier NAT puts many
//   honest users behind one address, and their typos add up.
// - windowSeconds (default 15 min): failures count as one run until this long passes with no
//   failure and no block; the next failure after such a quiet spell starts a fresh count.
// - baseBlockSeconds (default 60 s): the block when the count reaches the limit. Each further
//   failure doubles it, up to maxBlockSeconds (default 1 h), the same shape as the account
//   lock, so a patient attacker gets a few dozen guesses an hour per address, not thousands.
// Values below the smallest sensible ones (1 failure, 1 second) are raised to them.
struct LoginThrottlePolicy {
    int maxFailuresPerWindow = 20;
    qint64 windowSeconds = 900;
    qint64 baseBlockSeconds = 60;
    qint64 maxBlockSeconds = 3600;
};

// Counts failed sign-ins per source address in the `login_throttle` table and blocks an
// address that fails too often. It runs inside the caller's sign-in transaction (a write
// transaction, so the read-then-upsert in recordFailure() cannot race) and never reads a clock:
// every time comes in as `now` from the server's injected clock (SEC-48).
//
// The caller's order: keyFor() the peer address; if blockedUntil() is set, refuse without
// checking the password (and answer 429 with Retry-After); otherwise check it and call
// recordFailure() or recordSuccess().
//
// Row meaning: `failures` is the length of the current run of failures, `window_started_at`
// the time of its latest failure (the start of the quiet spell that would end the run), and
// `blocked_until` the end of the current block. A run ends once windowSeconds have passed since
// both the latest failure and the end of the block; measuring from the block's end too keeps a
// long block from wiping the count that earned it, so blocks keep doubling for an attacker who
// returns when one ends.
//
// If the clock goes back (`now` before the stored latest failure), the stored run cannot be
// placed in time, so the next failure starts a fresh run; a stored block is never shortened,
// though: it holds until its stored end, whatever the clock says.
class LoginThrottle
{
public:
    explicit LoginThrottle(LoginThrottlePolicy policy = {});

    const LoginThrottlePolicy &policy() const { return m_policy; }

    // "ip:" and the normalised address: IPv4 as dotted quad (IPv4-mapped IPv6 counts as IPv4,
    // or an attacker would get two buckets per address); IPv6 as its /64 network, because one
    // subscriber or VPS usually holds a whole /64 and can pick any of 2^64 addresses in it.
    // Anything that does not parse, including the empty string, is "ip:unknown": all such
    // sources share one bucket, so garbage cannot buy fresh counters. Nothing of the input
    // survives except through this canonical form, so it cannot smuggle text into the store.
    static QString keyFor(QStringView sourceIp);

    // The end of the block on `key` if one is active at `now`, otherwise nullopt.
    Result<std::optional<QDateTime>> blockedUntil(SqlTransaction &tx, const QString &key,
                                                  const QDateTime &now) const;

    // Counts one failure for `key` and blocks it once the run reaches the limit. A failure
    // during a block counts too and replaces the block with a longer one from `now` (never
    // ending earlier than the one it replaces).
    Result<void> recordFailure(SqlTransaction &tx, const QString &key, const QDateTime &now) const;

    // Forgets `key`. So one valid sign-in from an address resets its count, and an attacker
    // who holds one working account can reset it between rounds of guesses. That is accepted:
    // each guessed account still locks after 5 failures (Credentials), so the attacker gains
    // at most a handful of guesses per victim per lock period, and clearing on success is what
    // keeps a busy NAT from being blocked by its users' accumulated typos. Callers refuse
    // blocked addresses before the password check, so a success cannot end an active block.
    Result<void> recordSuccess(SqlTransaction &tx, const QString &key) const;

    // Deletes rows whose run has ended (see above) as of `now`, so the table holds only
    // addresses that failed recently; removing them changes no decision. Returns how many.
    Result<int> purge(SqlTransaction &tx, const QDateTime &now) const;

private:
    qint64 blockSeconds(int failures) const;

    LoginThrottlePolicy m_policy;
};

} // namespace gatehouse
