#pragma once

#include <string>
#include <vector>

namespace gatehouse::bench {

// One AWS account of the generated organisation: its people and machines, roles and resources.
struct TrailAccount {
    std::string id;
    std::vector<std::string> users; // IAM user names
    std::vector<std::string> userIds; // AIDA... principal ids
    std::vector<std::string> userKeys; // AKIA... long-term access keys
    std::vector<std::string> roles;
    std::vector<std::string> roleIds; // AROA...
    std::vector<std::string> buckets;
    std::vector<std::string> kmsKeys; // key ids (UUIDs)
    std::vector<std::string> functions;
    std::vector<std::string> tables;
};

} // namespace gatehouse::bench
