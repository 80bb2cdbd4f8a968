#include "TrailRecordGenerator.h"

#include "TrailCaller.h"
#include "TrailCatalog.h"
#include "TrailJsonText.h"
#include "TrailRandom.h"
#include "TrailRequestWriter.h"

#include <string_view>

namespace gatehouse::bench {

namespace {

using namespace trailjson;

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

} // namespace

TrailRecordGenerator::TrailRecordGenerator(std::uint64_t seed, std::uint32_t accounts)
    : m_seed(seed)
{
    TrailRandom random(seed, 0xacc0u);
    // A few hundred people and machines over all accounts, most of them in the first.
    for (std::uint32_t a = 0; a < std::max<std::uint32_t>(1, accounts); ++a) {
        TrailAccount account;
        appendDigits(account.id, random.next(), 12);
        if (account.id.front() == '0')
            account.id.front() = '4';
        const std::uint32_t people = a == 0 ? 220 : 40;
        for (std::uint32_t i = 0; i < people; ++i) {
            std::string name(random.pick(kFirstNames));
            name += '.';
            name += random.pick(kLastNames);
            if (random.perMille(300))
                name += std::to_string(random.below(10));
            account.users.push_back(std::move(name));
        }
        for (const string_view machine : kMachineUsers)
            account.users.emplace_back(machine);
        for (std::size_t i = 0; i < account.users.size(); ++i) {
            std::string id = "AIDA";
            appendBase32(id, random, 17);
            account.userIds.push_back(std::move(id));
            std::string key = "AKIA";
            appendBase32(key, random, 16);
            account.userKeys.push_back(std::move(key));
        }
        for (const string_view role : kRoleNames) {
            account.roles.emplace_back(role);
            std::string id = "AROA";
            appendBase32(id, random, 17);
            account.roleIds.push_back(std::move(id));
        }
        for (const string_view purpose : kBucketPurposes)
            account.buckets.push_back("acme-" + std::string(purpose) + "-" + account.id);
        for (int i = 0; i < 12; ++i)
            account.kmsKeys.push_back(uuid(random));
        for (const string_view function : kFunctionNames)
            account.functions.emplace_back(function);
        for (const string_view table : kTableNames)
            account.tables.emplace_back(table);
        m_accountIds.push_back(account.id);
        m_accounts.push_back(std::move(account));
    }
    // Source addresses: mostly public IPv4, some IPv6, a busy few and a long tail.
    for (int i = 0; i < 4000; ++i) {
        std::string address;
        if (random.perMille(80)) {
            address = "2a02:";
            for (int group = 0; group < 7; ++group) {
                appendHex(address, random.next(), 4);
                if (group < 6)
                    address += ':';
            }
        } else {
            static constexpr std::array<int, 12> kFirstOctets{3,  18,  34,  52,  54,  81,
                                                              93, 185, 198, 203, 212, 100};
            address = std::to_string(random.pick(kFirstOctets));
            for (int octet = 0; octet < 3; ++octet)
                address += '.' + std::to_string(random.below(256));
        }
        m_addresses.push_back(std::move(address));
    }
}

const std::vector<std::string> &TrailRecordGenerator::regions()
{
    return kRegions;
}

std::uint32_t TrailRecordGenerator::pickRegion(std::uint64_t draw)
{
    std::uint32_t total = 0;
    for (const std::uint32_t weight : kRegionWeights)
        total += weight;
    std::uint32_t target = static_cast<std::uint32_t>(draw % total);
    for (std::uint32_t i = 0; i < kRegionWeights.size(); ++i) {
        if (target < kRegionWeights[i])
            return i;
        target -= kRegionWeights[i];
    }
    return 0;
}

void TrailRecordGenerator::append(std::string &out, std::uint64_t index,
                                  const TrailFileContext &file) const
{
    static const ZipfTable kApiDraw(static_cast<std::uint32_t>(kApis.size()));
    static const ZipfTable kAgentDraw(static_cast<std::uint32_t>(kSdkAgents.size()));
    static const ZipfTable kAddressDraw(4000);
    static const ZipfTable kUserDraw(64);

    TrailRandom random(m_seed, index + 1);
    const TrailAccount &account = m_accounts[file.account];
    const string_view region = kRegions[file.region];
    const bool home = file.region == 0;
    const Api *api = &kApis[kApiDraw.draw(random)];
    while (api->global && !home)
        api = &kApis[kApiDraw.draw(random)];
    // Whole seconds, as delivered files have them, in the twenty minutes before delivery.
    const std::int64_t timeMs =
        (file.deliveryMs - 30000 - std::int64_t(random.below(20 * 60)) * 1000) / 1000 * 1000;

    const std::uint32_t versionDraw = random.below(100);
    const string_view version = versionDraw < 30 ? "1.08"
        : versionDraw < 70                       ? "1.09"
        : versionDraw < 88                       ? "1.10"
                                                 : "1.11";

    // Who called.
    TrailCaller caller;
    const std::uint32_t who = random.below(1000);
    const bool serviceFriendly = api->family == Family::Kms || api->family == Family::Sts
        || api->family == Family::Logs || api->family == Family::Ecr;
    if (api->family == Family::Console)
        caller.kind = who < 800 ? TrailCaller::Kind::IamUser
            : who < 840         ? TrailCaller::Kind::Root
                                : TrailCaller::Kind::AssumedRole;
    else if (serviceFriendly && who < 300)
        caller.kind = TrailCaller::Kind::Service;
    else if (who < 580)
        caller.kind = TrailCaller::Kind::AssumedRole;
    else if (who < 880)
        caller.kind = TrailCaller::Kind::IamUser;
    else if (who < 985 && api->family != Family::S3Object)
        caller.kind = TrailCaller::Kind::Service;
    else if (who < 985)
        caller.kind = TrailCaller::Kind::IamUser;
    else if (who < 990)
        caller.kind = TrailCaller::Kind::Root;
    else
        caller.kind = TrailCaller::Kind::IamUser;

    const std::uint32_t userIndex =
        std::min<std::uint32_t>(kUserDraw.draw(random) * 4 + random.below(4),
                                static_cast<std::uint32_t>(account.users.size() - 1));
    const std::string &user = account.users[userIndex];
    const std::uint32_t roleIndex = random.below(static_cast<std::uint32_t>(account.roles.size()));
    const std::string &role = account.roles[roleIndex];
    caller.console = api->family == Family::Console
        || (caller.kind != TrailCaller::Kind::Service && random.perMille(80));

    bool failedLogin = false;
    bool hiddenUser = false;
    if (api->family == Family::Console) {
        failedLogin = random.perMille(80);
        hiddenUser = failedLogin && random.perMille(300);
    }

    out += '{';
    str(out, "eventVersion", version);
    open(out, "userIdentity");
    switch (caller.kind) {
    case TrailCaller::Kind::IamUser: {
        str(out, "type", "IAMUser");
        str(out, "principalId", account.userIds[userIndex]);
        caller.arn = "arn:aws:iam::" + account.id + ":user/" + user;
        str(out, "arn", caller.arn);
        str(out, "accountId", account.id);
        if (api->family != Family::Console) {
            if (caller.console) {
                std::string key = "ASIA";
                appendBase32(key, random, 16);
                str(out, "accessKeyId", key);
            } else {
                str(out, "accessKeyId", account.userKeys[userIndex]);
            }
        }
        str(out, "userName", hiddenUser ? std::string("HIDDEN_DUE_TO_SECURITY_REASONS") : user);
        if (caller.console && api->family != Family::Console) {
            open(out, "sessionContext");
            open(out, "attributes");
            str(out, "creationDate", isoTime(timeMs - random.below(7200) * 1000LL));
            str(out, "mfaAuthenticated", random.perMille(700) ? "true" : "false");
            close(out);
            close(out);
        }
        break;
    }
    case TrailCaller::Kind::AssumedRole: {
        str(out, "type", "AssumedRole");
        std::string session;
        if (role.starts_with("AWSReservedSSO") || role == "break-glass-admin")
            session = user + "@example.com";
        else if (role.starts_with("ec2") || role.starts_with("eks"))
            appendHex(session = "i-0", mix(random.below(2048) + file.account), 17);
        else if (role.starts_with("lambda"))
            session = role.substr(7);
        else
            appendDigits(session = "botocore-session-", random.next(), 10);
        str(out, "principalId", account.roleIds[roleIndex] + ":" + session);
        caller.arn = "arn:aws:sts::" + account.id + ":assumed-role/" + role + "/" + session;
        str(out, "arn", caller.arn);
        str(out, "accountId", account.id);
        std::string key = "ASIA";
        appendBase32(key, random, 16);
        str(out, "accessKeyId", key);
        open(out, "sessionContext");
        open(out, "sessionIssuer");
        str(out, "type", "Role");
        str(out, "principalId", account.roleIds[roleIndex]);
        const bool sso = role.starts_with("AWSReservedSSO");
        str(out, "arn",
            "arn:aws:iam::" + account.id + ":role/"
                + (sso ? "aws-reserved/sso.amazonaws.com/" : std::string()) + role);
        str(out, "accountId", account.id);
        str(out, "userName", role);
        close(out);
        open(out, "webIdFederationData");
        close(out);
        open(out, "attributes");
        str(out, "creationDate", isoTime(timeMs - random.below(3600) * 1000LL));
        str(out, "mfaAuthenticated", sso && random.perMille(600) ? "true" : "false");
        close(out);
        if (role.starts_with("ec2") && version >= "1.10")
            str(out, "ec2RoleDelivery", "2.0");
        close(out);
        break;
    }
    case TrailCaller::Kind::Service:
        str(out, "type", "AWSService");
        caller.service = random.pick(kServices);
        if (api->family == Family::Kms && random.perMille(500))
            caller.service = "s3.amazonaws.com";
        str(out, "invokedBy", caller.service);
        caller.arn = std::string(caller.service);
        break;
    case TrailCaller::Kind::Root: {
        str(out, "type", "Root");
        str(out, "principalId", account.id);
        caller.arn = "arn:aws:iam::" + account.id + ":root";
        str(out, "arn", caller.arn);
        str(out, "accountId", account.id);
        if (api->family != Family::Console) {
            std::string key = "ASIA";
            appendBase32(key, random, 16);
            str(out, "accessKeyId", key);
        }
        caller.console = true;
        break;
    }
    }
    close(out);
    str(out, "eventTime", isoTime(timeMs));
    str(out, "eventSource", api->source);
    str(out, "eventName", api->name);
    str(out, "awsRegion", api->global ? string_view("us-east-1") : region);
    if (caller.kind == TrailCaller::Kind::Service) {
        str(out, "sourceIPAddress", caller.service);
        str(out, "userAgent", caller.service);
    } else {
        // Half the calls come from a busy few addresses, the rest from anywhere in the pool.
        const std::uint32_t address = random.perMille(500)
            ? kAddressDraw.draw(random)
            : random.below(static_cast<std::uint32_t>(m_addresses.size()));
        str(out, "sourceIPAddress", m_addresses[address]);
        if (api->family == Family::Console)
            str(out, "userAgent", random.pick(kBrowsers));
        else if (caller.console)
            str(out, "userAgent",
                api->family == Family::S3Object || api->family == Family::S3Bucket
                    ? string_view("[S3Console/0.4]")
                    : string_view("AWS Internal"));
        else {
            std::string agent;
            for (const char c : kSdkAgents[kAgentDraw.draw(random)]) {
                if (c == '@')
                    agent += std::to_string(100 + random.below(140));
                else
                    agent += c;
            }
            str(out, "userAgent", agent);
        }
    }

    // About 5 % of API calls are refused; a few more fail for other reasons.
    bool failed = false;
    if (api->family == Family::Console) {
        if (failedLogin) {
            str(out, "errorMessage", "Failed authentication");
            failed = true;
        }
    } else if (caller.kind != TrailCaller::Kind::Service && random.perMille(50)) {
        failed = true;
        const string_view prefix = api->source.substr(0, api->source.find('.'));
        const bool ec2 = prefix == "ec2";
        str(out, "errorCode", ec2 ? "Client.UnauthorizedOperation" : "AccessDenied");
        std::string message =
            ec2 ? "You are not authorized to perform this operation. User: " : "User: ";
        message += caller.arn;
        message += " is not authorized to perform: ";
        message.append(prefix).append(":").append(api->name);
        message += " on resource: arn:aws:";
        message.append(prefix).append(":").append(api->global ? "" : region);
        message.append(":").append(account.id).append(":*");
        message += " because no identity-based policy allows the ";
        message.append(prefix).append(":").append(api->name).append(" action");
        if (ec2) {
            message += ". Encoded authorization failure message: ";
            appendBase64(message, random, 240);
        }
        str(out, "errorMessage", message);
    } else if (random.perMille(12)) {
        failed = true;
        if (api->name == "GetObject") {
            str(out, "errorCode", "NoSuchKey");
            str(out, "errorMessage", "The specified key does not exist.");
        } else {
            str(out, "errorCode", "ThrottlingException");
            str(out, "errorMessage", "Rate exceeded");
        }
    }

    std::string resources;
    TrailRequestWriter writer{account, region, *api, random, out, resources, timeMs};
    switch (api->family) {
    case Family::S3Object:
        writer.s3Object(failed);
        break;
    case Family::S3Bucket:
        writer.s3Bucket();
        break;
    case Family::Ec2Read:
        writer.ec2Read();
        break;
    case Family::Ec2Write:
        writer.ec2Write(failed);
        break;
    case Family::IamRead:
        writer.iamRead(user, role);
        break;
    case Family::IamWrite:
        writer.iamWrite(user, role, failed);
        break;
    case Family::Sts:
        writer.sts(role, account.roleIds[roleIndex], caller, failed);
        break;
    case Family::Kms:
        writer.kms(caller);
        break;
    case Family::Lambda:
        writer.lambda(failed);
        break;
    case Family::Logs:
        writer.logs();
        break;
    case Family::Dynamo:
        writer.dynamo();
        break;
    case Family::Ssm:
        writer.ssm(failed);
        break;
    case Family::Secrets:
        writer.secrets();
        break;
    case Family::Ecr:
        writer.ecr();
        break;
    case Family::CloudTrail:
        writer.cloudTrail();
        break;
    case Family::Organizations:
        open(out, "requestParameters");
        close(out);
        raw(out, "responseElements", "null");
        break;
    case Family::Console:
        raw(out, "requestParameters", "null");
        open(out, "responseElements");
        str(out, "ConsoleLogin", failedLogin ? "Failure" : "Success");
        close(out);
        open(out, "additionalEventData");
        str(out, "LoginTo",
            "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state="
            "hashArgsFromTB_us-east-1_"
                + hexOf(random.next(), 16));
        str(out, "MobileVersion", "No");
        str(out, "MFAUsed", random.perMille(600) ? "Yes" : "No");
        close(out);
        break;
    }

    if (api->family != Family::Console) {
        if (api->source == "s3.amazonaws.com") {
            std::string id;
            appendHex(id, random.next(), 16);
            for (char &c : id)
                c = static_cast<char>(c >= 'a' ? c - 32 : c);
            str(out, "requestID", id);
        } else {
            str(out, "requestID", uuid(random));
        }
    }
    str(out, "eventID", uuid(random));
    boolean(out, "readOnly", api->readOnly);
    if (!resources.empty()) {
        openArray(out, "resources");
        out += resources;
        closeArray(out);
    }
    str(out, "eventType", api->family == Family::Console ? "AwsConsoleSignIn" : "AwsApiCall");
    boolean(out, "managementEvent", !api->data);
    str(out, "recipientAccountId", account.id);
    if (caller.kind == TrailCaller::Kind::Service && random.perMille(150))
        str(out, "sharedEventID", uuid(random));
    if (api->data && caller.kind == TrailCaller::Kind::AssumedRole && random.perMille(60)) {
        std::string endpoint = "vpce-0";
        appendHex(endpoint, random.next(), 16);
        str(out, "vpcEndpointId", endpoint);
        if (version >= "1.09")
            str(out, "vpcEndpointAccountId", account.id);
    }
    str(out, "eventCategory", api->data ? "Data" : "Management");
    if (caller.kind != TrailCaller::Kind::Service) {
        open(out, "tlsDetails");
        const bool tls13 = random.perMille(700);
        str(out, "tlsVersion", tls13 ? "TLSv1.3" : "TLSv1.2");
        str(out, "cipherSuite", tls13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
        std::string host;
        if (api->family == Family::Console)
            host = "signin.aws.amazon.com";
        else if (api->global)
            host = std::string(api->source);
        else
            host = std::string(api->source.substr(0, api->source.find('.'))) + "."
                + std::string(region) + ".amazonaws.com";
        str(out, "clientProvidedHostHeader", host);
        close(out);
    }
    if (caller.console && api->family != Family::Console)
        str(out, "sessionCredentialFromConsole", "true");
    close(out);
}

} // namespace gatehouse::bench
