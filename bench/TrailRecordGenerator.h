#pragma once

#include "TrailAccount.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::bench {

// Where a record is delivered: the account and region folder of its file and the minute the
// file was written. Records are made for the twenty minutes before that minute.
struct TrailFileContext {
    std::uint32_t account = 0; // index into TrailRecordGenerator::accountIds()
    std::uint32_t region = 0; // index into TrailRecordGenerator::regions()
    std::int64_t deliveryMs = 0;
};

// Realistic CloudTrail records, written compactly as CloudTrail writes them to S3: eventVersion
// 1.08 to 1.11; IAMUser, AssumedRole, AWSService and Root callers; a Zipf-like mix of about 60
// API calls over 15 services; console sign-ins that succeed and fail; AccessDenied on about
// 5 % of calls; a few hundred users, thousands of source addresses; request parameters,
// response elements, resources with ARNs, TLS details and SDK user agents.
//
// A record is a pure function of (seed, index, file context): the same arguments give the same
// bytes on any thread, which is how a later file can deliver an exact copy of an earlier
// record (CloudTrail's duplicates) and how the output stays byte-identical for one seed.
class TrailRecordGenerator
{
public:
    TrailRecordGenerator(std::uint64_t seed, std::uint32_t accounts);

    const std::vector<std::string> &accountIds() const { return m_accountIds; }
    static const std::vector<std::string> &regions();
    // Index into regions() for a file, weighted as real trails are (us-east-1 busiest).
    static std::uint32_t pickRegion(std::uint64_t draw);

    // Appends the record followed by a comma.
    void append(std::string &out, std::uint64_t index, const TrailFileContext &file) const;

private:
    std::uint64_t m_seed;
    std::vector<std::string> m_accountIds;
    std::vector<TrailAccount> m_accounts;
    std::vector<std::string> m_addresses;
};

} // namespace gatehouse::bench
