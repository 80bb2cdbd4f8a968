#pragma once

#include "TrailValueHash.h"
#include "model/Result.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_blob;

namespace gatehouse::cloudtrail {

// The CloudTrail index's own SQLite file, through SQLite's C API: the import writes large
// blobs and reads parts of them back (incremental blob I/O), which Qt's SQL layer does not
// offer. One connection, used by one thread at a time (TrailIndex serialises). Every value is
// bound; no SQL is built from input.
class TrailDatabase
{
public:
    class Statement
    {
    public:
        Statement() = default;
        Statement(Statement &&other) noexcept;
        Statement &operator=(Statement &&other) noexcept;
        ~Statement();

        Statement &bind(int index, qint64 value);
        Statement &bind(int index, std::string_view text); // copied by SQLite
        // Not copied: `data` must stay valid until the statement is run or reset (which clears
        // the bindings). Segment parts are megabytes each.
        Statement &bindBlob(int index, const void *data, std::size_t size);
        // The next row (true), the end (false), or the error.
        Result<bool> step();
        Result<void> run(); // step() to the end of a statement without rows
        void reset();

        qint64 integer(int column) const;
        std::string_view text(int column) const;
        std::string_view blob(int column) const;
        bool isNull(int column) const;

    private:
        friend class TrailDatabase;
        Statement(TrailDatabase *database, sqlite3_stmt *statement)
            : m_database(database),
              m_statement(statement)
        {}
        TrailDatabase *m_database = nullptr;
        sqlite3_stmt *m_statement = nullptr;
    };

    // A part opened for reading pieces of it at offsets.
    //
    // A part is stored in chunks small enough for one database page each: SQLite keeps a
    // larger value as a chain of overflow pages and walks the chain from its start to reach
    // an offset, so a binary search in a 4 MB part read most of its pages (all of them, with
    // a connection's cache still empty). A chunk is found by its row id instead.
    class Blob
    {
    public:
        Blob() = default;
        Blob(Blob &&other) noexcept;
        Blob &operator=(Blob &&other) noexcept;
        ~Blob();
        std::size_t size() const { return m_size; }
        Result<void> read(std::size_t offset, void *out, std::size_t length) const;

    private:
        friend class TrailDatabase;
        sqlite3 *m_db = nullptr;
        qint64 m_part = 0;
        std::size_t m_size = 0;
        mutable sqlite3_blob *m_blob = nullptr; // the chunk last read
        mutable qint64 m_chunk = -1;
    };

    // Opens or creates the index at `path` (mode 0600). Unavailable when the file cannot be
    // opened, Integrity when it is not a Gatehouse CloudTrail index.
    static Result<std::unique_ptr<TrailDatabase>> open(const QString &path);
    ~TrailDatabase();

    Result<void> exec(const char *sql);
    Result<Statement> prepare(const char *sql);
    // Part `id` (TrailSegment::partId) as written by writePart().
    Result<Blob> openPart(qint64 id);
    Result<void> writePart(qint64 id, const void *data, std::size_t size);

    // How this index turns lookup values into numbers (its key is made with the index).
    const TrailValueHash &valueHash() const { return *m_valueHash; }

    // What a lookup or import reports when the index does not hold what it should.
    static Error damaged();

    // The error of the last call, as a user can act on it (never SQL).
    Error error(const QString &what) const;

private:
    TrailDatabase() = default;
    sqlite3 *m_db = nullptr;
    QString m_path;
    std::optional<TrailValueHash> m_valueHash;
    std::optional<Statement> m_partSize;
    std::optional<Statement> m_insertChunk;
    std::optional<Statement> m_insertPart;
};

} // namespace gatehouse::cloudtrail
