#include "TrailDatabase.h"

#include "crypto/Random.h"

#include <QFile>
#include <QLoggingCategory>

#include <cstring>

#include <sqlite3.h>
#include <sys/stat.h>

namespace gatehouse::cloudtrail {

Q_LOGGING_CATEGORY(lcTrail, "gatehouse.trail")

namespace {

// Bumped when the layout of the tables or the segment parts changes: an index of another
// version is refused, and rebuilding it from the log files is the remedy.
// 2: lookup values are keyed hashes (TrailValueHash), no strings table.
// 3: parts stored in chunks of one page (part_sizes, chunks).
// 4: where gzip files can be decompressed from (access_points); refs hold an id check.
constexpr int kFormatVersion = 4;

// A chunk fills most of a 64 KiB page (SQLite keeps up to 65,501 bytes of a row on its page)
// and is a multiple of 240, so no entry of a part (8, 12, 16 or 20 bytes) straddles two.
constexpr std::size_t kChunkBytes = 64800;
// Chunk row ids: the part's id times this, plus the chunk's index.
constexpr qint64 kChunksPerPart = 1 << 16;
constexpr int kApplicationId = 0x47415449; // "GATI"

const char *const kSchema = R"(
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL,
    records INTEGER NOT NULL
);
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    min_time INTEGER NOT NULL,
    max_time INTEGER NOT NULL,
    count INTEGER NOT NULL
);
CREATE INDEX segments_max_time ON segments (max_time);
CREATE TABLE part_sizes (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE access_points (
    file INTEGER NOT NULL,
    text_offset INTEGER NOT NULL,
    bit INTEGER NOT NULL,
    window_size INTEGER NOT NULL,
    window BLOB NOT NULL,
    PRIMARY KEY (file, text_offset)
);
)";

} // namespace

TrailDatabase::Statement::Statement(Statement &&other) noexcept
    : m_database(other.m_database),
      m_statement(std::exchange(other.m_statement, nullptr))
{}

TrailDatabase::Statement &TrailDatabase::Statement::operator=(Statement &&other) noexcept
{
    std::swap(m_database, other.m_database);
    std::swap(m_statement, other.m_statement);
    return *this;
}

TrailDatabase::Statement::~Statement()
{
    sqlite3_finalize(m_statement);
}

TrailDatabase::Statement &TrailDatabase::Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
    return *this;
}

TrailDatabase::Statement &TrailDatabase::Statement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_statement, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
}

TrailDatabase::Statement &TrailDatabase::Statement::bindBlob(int index, const void *data,
                                                             std::size_t size)
{
    sqlite3_bind_blob64(m_statement, index, size ? data : "", size, SQLITE_STATIC);
    return *this;
}

Result<bool> TrailDatabase::Statement::step()
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return m_database->error(QStringLiteral("read or write the CloudTrail index"));
}

Result<void> TrailDatabase::Statement::run()
{
    Result<bool> row = step();
    reset();
    if (!row)
        return row.error();
    return {};
}

void TrailDatabase::Statement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

qint64 TrailDatabase::Statement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

std::string_view TrailDatabase::Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return data ? std::string_view(data, std::size_t(sqlite3_column_bytes(m_statement, column)))
                : std::string_view();
}

std::string_view TrailDatabase::Statement::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_statement, column));
    return data ? std::string_view(data, std::size_t(sqlite3_column_bytes(m_statement, column)))
                : std::string_view();
}

bool TrailDatabase::Statement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

TrailDatabase::Blob::Blob(Blob &&other) noexcept
    : m_db(other.m_db),
      m_part(other.m_part),
      m_size(other.m_size),
      m_blob(std::exchange(other.m_blob, nullptr)),
      m_chunk(std::exchange(other.m_chunk, -1))
{}

TrailDatabase::Blob &TrailDatabase::Blob::operator=(Blob &&other) noexcept
{
    std::swap(m_db, other.m_db);
    std::swap(m_part, other.m_part);
    std::swap(m_size, other.m_size);
    std::swap(m_blob, other.m_blob);
    std::swap(m_chunk, other.m_chunk);
    return *this;
}

TrailDatabase::Blob::~Blob()
{
    sqlite3_blob_close(m_blob);
}

Result<void> TrailDatabase::Blob::read(std::size_t offset, void *out, std::size_t length) const
{
    if (offset + length > m_size || offset + length < offset)
        return damaged();
    auto *to = static_cast<char *>(out);
    while (length > 0) {
        const auto chunk = qint64(offset / kChunkBytes);
        const std::size_t within = offset % kChunkBytes;
        const std::size_t piece = std::min(length, kChunkBytes - within);
        if (chunk != m_chunk) {
            const qint64 row = m_part * kChunksPerPart + chunk;
            const int rc = m_blob
                ? sqlite3_blob_reopen(m_blob, row)
                : sqlite3_blob_open(m_db, "main", "chunks", "data", row, 0, &m_blob);
            m_chunk = rc == SQLITE_OK ? chunk : -1;
            if (rc != SQLITE_OK)
                return damaged();
        }
        if (sqlite3_blob_read(m_blob, to, int(piece), int(within)) != SQLITE_OK)
            return damaged();
        to += piece;
        offset += piece;
        length -= piece;
    }
    return {};
}

Result<std::unique_ptr<TrailDatabase>> TrailDatabase::open(const QString &path)
{
    std::unique_ptr<TrailDatabase> database(new TrailDatabase);
    database->m_path = path;
    const bool existed = QFile::exists(path);
    const int rc =
        sqlite3_open_v2(QFile::encodeName(path).constData(), &database->m_db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, nullptr);
    if (rc != SQLITE_OK)
        return database->error(QStringLiteral("open the CloudTrail index %1").arg(path));
    if (!existed)
        ::chmod(QFile::encodeName(path).constData(), 0600);
    sqlite3_busy_timeout(database->m_db, 5000);
    // A cache of what the log files hold: big pages for the big blobs, and a journal that
    // keeps it whole if the import is stopped, without waiting for the disk at every commit
    // (a machine that crashes mid-import may need the index rebuilt; the logs are the truth).
    // Pages are read, not memory-mapped: a lookup touches a few 4 KiB pieces of many pages,
    // and through a mapping each one is a page fault, which on a virtual machine costs more
    // than copying the page (a rare user's first page: 4.1 ms of index reading mapped, 2.6
    // read), again for every new connection.
    // A small page cache (8 MB), for imports and lookups alike: every page of cache is memory
    // to be faulted in as the cache grows (a third of a large import's page faults; lookups
    // on an index still filling its cache were the slowest, up to twice the median), and a
    // page not in it is a copy from the system's page cache away.
    if (Result<void> set = database->exec(
            "PRAGMA page_size = 65536; PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = OFF;"
            " PRAGMA mmap_size = 0; PRAGMA cache_size = -8192;");
        !set) {
        return set.error();
    }
    Result<Statement> version = database->prepare("PRAGMA user_version");
    if (!version)
        return version.error();
    Result<bool> row = version->step();
    if (!row)
        return row.error();
    const qint64 found = version->integer(0);
    version->reset();
    if (found == 0) {
        Result<Statement> tables = database->prepare("SELECT count(*) FROM sqlite_schema");
        if (!tables)
            return tables.error();
        Result<bool> counted = tables->step();
        if (!counted)
            return database->error(QStringLiteral("read %1").arg(path));
        if (tables->integer(0) != 0) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("%1 is not a Gatehouse CloudTrail index.").arg(path));
        }
        tables->reset();
        Result<QByteArray> key = crypto::randomBytes(qsizetype(sizeof(TrailValueHash::Key)));
        if (!key)
            return key.error();
        const QByteArray create = QByteArrayLiteral("BEGIN;") + kSchema
            + QByteArray("PRAGMA application_id = ") + QByteArray::number(kApplicationId)
            + "; PRAGMA user_version = " + QByteArray::number(kFormatVersion) + ";";
        if (Result<void> created = database->exec(create.constData()); !created)
            return created.error();
        Result<Statement> insert =
            database->prepare("INSERT INTO meta (name, value) VALUES ('value_key', ?)");
        if (!insert)
            return insert.error();
        insert->bindBlob(1, key->constData(), std::size_t(key->size()));
        if (Result<void> inserted = insert->run(); !inserted)
            return inserted.error();
        if (Result<void> committed = database->exec("COMMIT"); !committed)
            return committed.error();
    } else if (found != kFormatVersion) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("%1 is a CloudTrail index of another Gatehouse version; "
                                        "delete it and import the log files again.")
                             .arg(path));
    }
    Result<Statement> key = database->prepare("SELECT value FROM meta WHERE name = 'value_key'");
    if (!key)
        return key.error();
    Result<bool> keyRow = key->step();
    if (!keyRow)
        return keyRow.error();
    const std::string_view keyBytes = *keyRow ? key->blob(0) : std::string_view();
    if (keyBytes.size() != sizeof(TrailValueHash::Key))
        return damaged();
    TrailValueHash::Key valueKey;
    std::memcpy(valueKey.data(), keyBytes.data(), valueKey.size());
    database->m_valueHash.emplace(valueKey);
    return database;
}

TrailDatabase::~TrailDatabase()
{
    // Statements first: a connection with statements left is not closed.
    m_partSize.reset();
    m_insertChunk.reset();
    m_insertPart.reset();
    sqlite3_close(m_db);
}

Result<void> TrailDatabase::exec(const char *sql)
{
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return error(QStringLiteral("update the CloudTrail index"));
    return {};
}

Result<TrailDatabase::Statement> TrailDatabase::prepare(const char *sql)
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr)
        != SQLITE_OK)
        return error(QStringLiteral("read the CloudTrail index"));
    return Statement(this, statement);
}

Result<TrailDatabase::Blob> TrailDatabase::openPart(qint64 id)
{
    if (!m_partSize) {
        Result<Statement> select = prepare("SELECT size FROM part_sizes WHERE id = ?");
        if (!select)
            return select.error();
        m_partSize.emplace(std::move(*select));
    }
    m_partSize->bind(1, id);
    Result<bool> row = m_partSize->step();
    const qint64 size = row && *row ? m_partSize->integer(0) : -1;
    m_partSize->reset();
    if (!row)
        return row.error();
    if (size < 0 || size > qint64(kChunkBytes) * kChunksPerPart)
        return damaged();
    Blob blob;
    blob.m_db = m_db;
    blob.m_part = id;
    blob.m_size = std::size_t(size);
    return blob;
}

Result<void> TrailDatabase::writePart(qint64 id, const void *data, std::size_t size)
{
    if (size > kChunkBytes * std::size_t(kChunksPerPart))
        return makeError(ErrorCode::Internal, QStringLiteral("A part of the index is too large."));
    if (!m_insertChunk) {
        Result<Statement> chunk = prepare("INSERT INTO chunks (id, data) VALUES (?, ?)");
        Result<Statement> part = prepare("INSERT INTO part_sizes (id, size) VALUES (?, ?)");
        if (!chunk)
            return chunk.error();
        if (!part)
            return part.error();
        m_insertChunk.emplace(std::move(*chunk));
        m_insertPart.emplace(std::move(*part));
    }
    const auto *bytes = static_cast<const char *>(data);
    for (std::size_t at = 0; at < size; at += kChunkBytes) {
        m_insertChunk->bind(1, id * kChunksPerPart + qint64(at / kChunkBytes))
            .bindBlob(2, bytes + at, std::min(kChunkBytes, size - at));
        if (Result<void> inserted = m_insertChunk->run(); !inserted)
            return inserted;
    }
    m_insertPart->bind(1, id).bind(2, qint64(size));
    return m_insertPart->run();
}

Error TrailDatabase::damaged()
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("The CloudTrail index is damaged; delete it and import the log "
                                    "files again."));
}

Error TrailDatabase::error(const QString &what) const
{
    const int code = m_db ? sqlite3_extended_errcode(m_db) : SQLITE_CANTOPEN;
    qCWarning(lcTrail) << "SQLite:" << (m_db ? sqlite3_errmsg(m_db) : "cannot open");
    switch (code & 0xff) {
    case SQLITE_FULL:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot %1: the disk is full.").arg(what));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot %1: another program is using it.").arg(what));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("Cannot %1: the file is damaged or not a CloudTrail "
                                        "index.")
                             .arg(what));
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot %1: check that the file and its folder can be "
                                        "written.")
                             .arg(what));
    default:
        return makeError(ErrorCode::Unavailable, QStringLiteral("Cannot %1.").arg(what));
    }
}

} // namespace gatehouse::cloudtrail
