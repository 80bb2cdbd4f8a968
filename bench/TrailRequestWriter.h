#pragma once

#include "TrailAccount.h"
#include "TrailCaller.h"
#include "TrailCatalog.h"
#include "TrailRandom.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::bench {

// Writes the call-specific part of one record (requestParameters, responseElements,
// additionalEventData) into `out` and its resources[] entries into `resources`, for the API
// call of each family of services. One writer per record; it only appends.
struct TrailRequestWriter {
    const TrailAccount &account;
    string_view region;
    const Api &api;
    TrailRandom &random;
    std::string &out;
    std::string &resources;
    std::int64_t timeMs;

    const std::string &pickOf(const std::vector<std::string> &items) const;
    std::string arnOf(string_view service, string_view resource) const;
    void resource(string_view type, string_view arn, bool withAccount = true,
                  bool prefix = false) const;
    std::string objectKey() const;
    void s3Object(bool failed);
    void s3Bucket();
    void continuationToken(string_view name) const;
    std::string ec2Id(string_view prefix) const;
    void ec2Read();
    void ec2Write(bool failed);
    void iamRead(const std::string &user, const std::string &role);
    void iamWrite(const std::string &user, const std::string &role, bool failed);
    void sts(const std::string &role, const std::string &roleId, const TrailCaller &caller,
             bool failed);
    void kms(const TrailCaller &caller);
    void lambda(bool failed);
    void logs();
    void dynamo();
    void ssm(bool failed);
    void secrets();
    void ecr();
    void cloudTrail();
};

} // namespace gatehouse::bench
