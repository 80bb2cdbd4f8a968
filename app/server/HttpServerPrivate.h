#pragma once

// Beast and Asio live here and in HttpConnection.h, included only by HttpServer.cpp.

#include "ConnectionSpread.h"
#include "HttpServer.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gatehouse::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

// Streams on the io_context's own executor type: Beast's default (tcp_stream) erases it, and
// copying and destroying the erased executor on every operation showed in the profile.
using Executor = net::io_context::executor_type;
using PlainStream = beast::basic_stream<tcp, Executor>;
using TlsStream = beast::ssl_stream<PlainStream>;
using Socket = PlainStream::socket_type;

class HttpServer::Private
{
public:
    Private(const Options &options, HttpHandler &handler);

    std::shared_ptr<ssl::context> currentTls();
    // Counts a new connection from `address`; false when it would pass a cap.
    bool admit(const std::string &address);
    void release(const std::string &address);
    void accept();
    void waitForSignal();
    void runNetworkThread(net::io_context &context);
    // Moves an accepted `socket` of `protocol` to the io_context of network thread `thread`;
    // on an error the socket is closed.
    beast::error_code moveTo(Socket &socket, const tcp &protocol, int thread);
    static int connectionCeiling(int wanted);
    // Bodies over the default 64 KiB (user import) count against one budget for the whole
    // server, so a few connections cannot hold gigabytes: false when `bytes` would pass it.
    bool reserveBody(qint64 bytes);
    void releaseBody(qint64 bytes) { largeBodies -= bytes; }
    static constexpr qint64 kLargeBodyBudget = 256 * 1024 * 1024;

    // Declared before the io_context: connections still queued in it release their slots
    // when it is destroyed.
    std::mutex countsMutex;
    std::unordered_map<std::string, int> perAddress;
    int total = 0;
    ConnectionSpread spread;

    const Options options;
    HttpHandler &handler;
    const int maxConnections;
    std::atomic<qint64> largeBodies{0};
    std::atomic<int> inFlight{0};
    std::atomic<bool> stopping{false};
    std::mutex tlsMutex;
    std::shared_ptr<ssl::context> tls;
    std::function<void(bool)> signalCallback;

    // One io_context per network thread, each run by its thread alone: a connection lives on
    // one thread, so it needs no strand, and the threads share no queue or lock (one shared
    // io_context made them take turns at its mutex on every event).
    std::vector<std::unique_ptr<net::io_context>> contexts;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keepRunning;
    tcp::acceptor acceptor; // on contexts[0], where connections are accepted
    net::steady_timer acceptRetry;
    net::signal_set signals; // on the acceptor's strand, with the callback and shutdown
    std::vector<std::thread> threads;
};

// A connection's place under the caps and on its network thread, given back when the
// connection ends.
class ConnectionSlot
{
public:
    ConnectionSlot(HttpServer::Private &server, std::string address, int thread)
        : m_server(&server),
          m_address(std::move(address)),
          m_thread(thread)
    {}
    ConnectionSlot(ConnectionSlot &&other) noexcept
        : m_server(std::exchange(other.m_server, nullptr)),
          m_address(std::move(other.m_address)),
          m_thread(other.m_thread)
    {}
    ConnectionSlot &operator=(ConnectionSlot &&) = delete;
    ~ConnectionSlot()
    {
        if (m_server) {
            m_server->release(m_address);
            m_server->spread.give(m_thread);
        }
    }
    const std::string &address() const { return m_address; }
    int thread() const { return m_thread; }

private:
    HttpServer::Private *m_server;
    std::string m_address;
    int m_thread;
};

} // namespace gatehouse::server
