// Password sign-in throughput: Credentials::authenticate() on a SQLite store with one thread
// per core, beside raw scrypt (OpenSSL's EVP_PBE_scrypt) with the product's parameters on the
// same number of threads, alternated in one process. scrypt is the whole cost of a sign-in by
// design, so authenticate() should reach at least 90 % of raw scrypt.
#include "BenchSupport.h"

#include "auth/Credentials.h"
#include "auth/PasswordBlocklist.h"
#include "auth/UserDirectory.h"
#include "crypto/PasswordHasher.h"

#include <openssl/evp.h>

#include <QCoreApplication>

#include <array>
#include <atomic>
#include <barrier>
#include <functional>
#include <thread>

using namespace gatehouse;
using namespace gatehouse::bench;

namespace {

constexpr int kRounds = 5;
constexpr int kCallsPerThread = 2; // per round and side: about a second of scrypt each
constexpr double kTarget = 0.90;
const crypto::PasswordHasher::Parameters kParameters; // N = 2^17, r = 8, p = 1 (the default)
const QString kPassword = QStringLiteral("correct horse battery staple, quietly");

// How long a write transaction had to wait for the store's write lock while the timed calls
// ran: what a revocation, a session touch or any other change meets during sign-ins. A probe
// that waited out the store's busy timeout counts as failed.
struct Probe {
    const Store *store = nullptr;
    QList<double> waitsMs;
    int failed = 0;
};

struct Calls {
    double perSecond = 0; // successful calls per second
    int failed = 0;
};

// Successful calls per second of `call` on `threads` threads, each making kCallsPerThread
// calls; the clock runs from the moment all threads start until the last one ends. A failed
// call is counted, not retried. With a probe, one more thread starts an empty write
// transaction every 50 ms meanwhile.
Calls callsPerSecond(int threads, const std::function<bool(int thread)> &call,
                     Probe *probe = nullptr)
{
    std::atomic<int> failed{0};
    std::atomic<int> running{threads};
    std::barrier start(threads + 1);
    std::barrier finish(threads + 1);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < kCallsPerThread; ++i) {
                if (!call(t))
                    ++failed;
            }
            --running;
            finish.arrive_and_wait();
        });
    }
    std::thread prober;
    if (probe) {
        prober = std::thread([&] {
            Store &store = const_cast<Store &>(*probe->store);
            while (running > 0) {
                const SteadyClock::time_point began = SteadyClock::now();
                const Result<void> done = store.transaction(
                    Store::Access::Write, [](SqlTransaction &) { return Result<void>(); });
                if (done)
                    probe->waitsMs.append(secondsSince(began) * 1000);
                else
                    ++probe->failed;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
    }
    start.arrive_and_wait();
    const SteadyClock::time_point began = SteadyClock::now();
    finish.arrive_and_wait();
    const double seconds = secondsSince(began);
    for (std::thread &worker : workers)
        worker.join();
    if (prober.joinable())
        prober.join();
    return {double(threads * kCallsPerThread - failed) / seconds, failed};
}

bool rawScrypt(int thread)
{
    const QByteArray password = kPassword.toUtf8();
    const QByteArray salt = QByteArray(crypto::PasswordHasher::kSaltLength, char('a' + thread));
    unsigned char key[crypto::PasswordHasher::kHashLength];
    // The same explicit memory cap as the product: OpenSSL's default of 32 MiB refuses N=2^17.
    return EVP_PBE_scrypt(password.constData(), static_cast<size_t>(password.size()),
                          reinterpret_cast<const unsigned char *>(salt.constData()),
                          static_cast<size_t>(salt.size()), quint64{1} << kParameters.log2N,
                          kParameters.r, kParameters.p, crypto::PasswordHasher::kMaxMemoryBytes,
                          key, sizeof key)
        == 1;
}

void run()
{
    const int threads = cores();
    printHeader(QStringLiteral("Password sign-in vs raw scrypt"),
                QStringLiteral("Credentials::authenticate() (correct password, real SQLite "
                               "store, audit record, throttle and lockout bookkeeping) on %1 "
                               "thread(s), each signing in its own user, against "
                               "EVP_PBE_scrypt(N=2^%2, r=%3, p=%4) on as many threads. %5 calls "
                               "per thread per side, sides alternated, %6 rounds; medians.")
                    .arg(threads)
                    .arg(kParameters.log2N)
                    .arg(kParameters.r)
                    .arg(kParameters.p)
                    .arg(kCallsPerThread)
                    .arg(kRounds));

    BenchStore bench;
    auto blocklist = std::make_shared<const PasswordBlocklist>(
        PasswordBlocklist::fromWords({QStringLiteral("password"), QStringLiteral("letmein")}));
    const std::unique_ptr<Credentials> credentials =
        require(Credentials::create(bench.context(), blocklist, kParameters), "set up sign-in");
    UserDirectory users(bench.context());
    QStringList usernames;
    for (int t = 0; t < threads; ++t) {
        const QString name = QStringLiteral("signin%1").arg(t);
        const User user = require(users.create(actorFor(bench.owner()),
                                               NewUser{name,
                                                       QStringLiteral("%1@example.com").arg(name),
                                                       QStringLiteral("Sign-in %1").arg(t),
                                                       {Role::User}}),
                                  "create a user");
        const Credentials::IssuedCode code =
            require(credentials->issueCode(actorFor(bench.owner()), user.id), "issue a code");
        require(credentials->redeemCode({}, code.code, kPassword), "set a password");
        usernames.append(name);
    }
    auto signIn = [&](int thread) {
        Actor client;
        client.sourceIp = QStringLiteral("198.51.100.%1").arg(thread + 1);
        client.userAgent = QStringLiteral("Gatehouse-bench");
        return credentials->authenticate(client, usernames.at(thread), kPassword).ok();
    };

    QList<double> raw1, auth1, rawN, authN, ratio1, ratioN;
    int failedSignIns = 0;
    for (int round = 0; round < kRounds; ++round) {
        // Alternate which side goes first, so a trend in the machine's load favours neither.
        std::array<Calls, 4> calls; // raw 1, authenticate 1, raw N, authenticate N
        for (int step = 0; step < 4; ++step) {
            const int side = round % 2 == 0 ? step : step ^ 1;
            const int n = side < 2 ? 1 : threads;
            calls[size_t(side)] =
                side % 2 == 0 ? callsPerSecond(n, rawScrypt) : callsPerSecond(n, signIn);
        }
        raw1 << calls[0].perSecond;
        auth1 << calls[1].perSecond;
        rawN << calls[2].perSecond;
        authN << calls[3].perSecond;
        ratio1 << calls[1].perSecond / calls[0].perSecond;
        ratioN << calls[3].perSecond / calls[2].perSecond;
        failedSignIns += calls[1].failed + calls[3].failed;
        if (calls[0].failed + calls[2].failed > 0)
            throw Failure(QStringLiteral("raw scrypt failed (out of memory?)"));
        print(QStringLiteral("round %1: 1 thread %2 vs %3 /s, %4 threads %5 vs %6 /s "
                             "(authenticate vs raw)%7")
                  .arg(round + 1)
                  .arg(fixed(calls[1].perSecond, 2), fixed(calls[0].perSecond, 2))
                  .arg(threads)
                  .arg(fixed(calls[3].perSecond, 2), fixed(calls[2].perSecond, 2))
                  .arg(calls[1].failed + calls[3].failed > 0
                           ? QStringLiteral(", %1 sign-in(s) failed")
                                 .arg(calls[1].failed + calls[3].failed)
                           : QString()));
    }
    print();

    // Then, with the same load, how long any other write waits meanwhile.
    Probe rawProbe{&bench.store(), {}, 0};
    Probe authProbe{&bench.store(), {}, 0};
    const Calls rawProbed = callsPerSecond(threads, rawScrypt, &rawProbe);
    const Calls authProbed = callsPerSecond(threads, signIn, &authProbe);

    Table table({QStringLiteral("threads"), QStringLiteral("raw scrypt /s (median)"),
                 QStringLiteral("authenticate /s (median)"),
                 QStringLiteral("authenticate / raw (median of rounds)"),
                 QStringLiteral("target")});
    const double single = summarize(ratio1).median;
    const double all = summarize(ratioN).median;
    table.add({QStringLiteral("1"), fixed(summarize(raw1).median, 2),
               fixed(summarize(auth1).median, 2), percent(single), QStringLiteral(">= 90 %")});
    table.add({QString::number(threads), fixed(summarize(rawN).median, 2),
               fixed(summarize(authN).median, 2), percent(all), QStringLiteral(">= 90 %")});
    table.print();
    print(QStringLiteral("Sign-ins that failed during the timed rounds (counted as not done): "
                         "%1 of %2.")
              .arg(failedSignIns)
              .arg(kRounds * (1 + threads) * kCallsPerThread));
    // The ratio can only show sign-ins waiting for each other if raw scrypt itself gains from
    // more threads on this machine at this moment.
    const double scaling = summarize(rawN).median / summarize(raw1).median;
    print(QStringLiteral("Raw scrypt went x%1 from 1 to %2 threads (ideal x%2).%3")
              .arg(fixed(scaling, 2))
              .arg(threads)
              .arg(scaling < 0.6 * threads
                       ? QStringLiteral(" The machine had no spare cores, so the ratio above "
                                        "cannot show whether sign-ins run in parallel; the "
                                        "write-lock probe below can.")
                       : QString()));
    print();

    Table probes({QStringLiteral("a write transaction started during"),
                  QStringLiteral("waits (median)"), QStringLiteral("p95"), QStringLiteral("max"),
                  QStringLiteral("probes"), QStringLiteral("timed out (busy)")});
    for (const Probe *probe : {&rawProbe, &authProbe}) {
        const Summary waits = summarize(probe->waitsMs);
        probes.add(
            {probe == &rawProbe ? QStringLiteral("raw scrypt") : QStringLiteral("authenticate()"),
             QStringLiteral("%1 ms").arg(fixed(waits.median)),
             QStringLiteral("%1 ms").arg(fixed(waits.p95)),
             QStringLiteral("%1 ms").arg(fixed(waits.max)), QString::number(waits.samples),
             QString::number(probe->failed)});
    }
    probes.print();
    print(QStringLiteral("During the probe phase: raw %1/s, authenticate %2/s, %3 sign-in(s) "
                         "failed.")
              .arg(fixed(rawProbed.perSecond, 2), fixed(authProbed.perSecond, 2))
              .arg(authProbed.failed));
    print(QStringLiteral("Load average at end: %1").arg(loadAverage()));
    print();

    printResult(QStringLiteral("authenticate vs raw scrypt, 1 thread"), QStringLiteral(">= 90 %"),
                QStringLiteral("%1/s vs %2/s")
                    .arg(fixed(summarize(auth1).median, 2), fixed(summarize(raw1).median, 2)),
                percent(single), single >= kTarget);
    printResult(QStringLiteral("authenticate vs raw scrypt, %1 threads").arg(threads),
                QStringLiteral(">= 90 %"),
                QStringLiteral("%1/s vs %2/s")
                    .arg(fixed(summarize(authN).median, 2), fixed(summarize(rawN).median, 2)),
                percent(all), all >= kTarget);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
