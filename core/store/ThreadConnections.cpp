#include "ThreadConnections.h"

#include <QSqlDatabase>

#include <atomic>

namespace gatehouse {

namespace {

std::atomic<quint64> g_nextThreadSerial{1};
std::atomic<quint64> g_nextStoreSerial{1};

} // namespace

ThreadConnections::ThreadConnections()
    : threadSerial(g_nextThreadSerial.fetch_add(1))
{}

ThreadConnections::~ThreadConnections()
{
    for (const auto &[serial, name] : names)
        QSqlDatabase::removeDatabase(name);
}

void ThreadConnections::remove(quint64 serial)
{
    const auto it = names.find(serial);
    if (it == names.end())
        return;
    const QString name = it->second;
    names.erase(it);
    inTransaction.erase(serial);
    QSqlDatabase::removeDatabase(name);
}

ThreadConnections &ThreadConnections::current()
{
    thread_local ThreadConnections connections;
    return connections;
}

quint64 ThreadConnections::nextStoreSerial()
{
    return g_nextStoreSerial.fetch_add(1);
}

} // namespace gatehouse
