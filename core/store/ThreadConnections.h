#pragma once

#include <QString>

#include <map>

namespace gatehouse {

// The database connections of the calling thread, one per store (by the store's serial);
// Qt requires a connection to be used and closed on the thread that opened it, so each
// thread's are closed when the thread ends. Shared by the stores, which each give every
// thread its own connection.
struct ThreadConnections {
    const quint64 threadSerial;
    std::map<quint64, QString> names; // store serial -> connection name
    std::map<quint64, bool> inTransaction;

    ThreadConnections();
    ~ThreadConnections();

    // Closes this thread's connection of the store `serial`, if any.
    void remove(quint64 serial);

    // This thread's connections.
    static ThreadConnections &current();
    // A serial for a new store, never reused in the process.
    static quint64 nextStoreSerial();
};

} // namespace gatehouse
