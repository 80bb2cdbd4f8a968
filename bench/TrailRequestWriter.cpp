#include "TrailRequestWriter.h"

#include "TrailJsonText.h"

namespace gatehouse::bench {

using namespace trailjson;

const std::string &TrailRequestWriter::pickOf(const std::vector<std::string> &items) const
{
    return items[random.below(static_cast<std::uint32_t>(items.size()))];
}

std::string TrailRequestWriter::arnOf(string_view service, string_view resource) const
{
    std::string arn = "arn:aws:";
    arn.append(service).append(":").append(region).append(":").append(account.id);
    arn.append(":").append(resource);
    return arn;
}

void TrailRequestWriter::resource(string_view type, string_view arn, bool withAccount,
                                  bool prefix) const
{
    openObject(resources);
    if (withAccount)
        str(resources, "accountId", account.id);
    str(resources, "type", type);
    str(resources, prefix ? "ARNPrefix" : "ARN", arn);
    close(resources);
}

std::string TrailRequestWriter::objectKey() const
{
    static constexpr std::array<string_view, 6> kPrefixes{
        "incoming/", "exports/2026/11/", "users/avatars/", "raw/events/dt=2026-11-",
        "tmp/",      "reports/monthly/"};
    static constexpr std::array<string_view, 5> kSuffixes{".json.gz", ".parquet", ".png", ".csv",
                                                          ".pdf"};
    std::string key(random.pick(kPrefixes));
    if (key.back() == '-')
        key += twoDigits(1 + random.below(28));
    if (key.back() != '/')
        key += '/';
    // Object names as applications make them: a UUID and a part number.
    key += uuid(random);
    key += "-part-";
    key += std::to_string(random.below(64));
    key += random.pick(kSuffixes);
    return key;
}

void TrailRequestWriter::s3Object(bool failed)
{
    const std::string &bucket = pickOf(account.buckets);
    const std::string key = objectKey();
    open(out, "requestParameters");
    str(out, "bucketName", bucket);
    str(out, "Host", bucket + ".s3." + std::string(region) + ".amazonaws.com");
    str(out, "key", key);
    if (api.name == "PutObject")
        str(out, "x-id", "PutObject");
    else if (random.perMille(350)) {
        // Versioned buckets: reads name the version they want.
        std::string version;
        appendBase62(version, random, 32);
        str(out, "versionId", version);
    }
    close(out);
    if (api.name == "PutObject" && !failed) {
        open(out, "responseElements");
        str(out, "x-amz-server-side-encryption", "aws:kms");
        str(out, "x-amz-server-side-encryption-aws-kms-key-id",
            arnOf("kms", "key/" + pickOf(account.kmsKeys)));
        boolean(out, "x-amz-server-side-encryption-bucket-key-enabled", true);
        close(out);
    } else {
        raw(out, "responseElements", "null");
    }
    open(out, "additionalEventData");
    str(out, "SignatureVersion", "SigV4");
    str(out, "CipherSuite", "TLS_AES_128_GCM_SHA256");
    number(out, "bytesTransferredIn", api.name == "PutObject" ? random.below(5000000) : 0);
    str(out, "AuthenticationMethod", "AuthHeader");
    std::string id2;
    appendBase64(id2, random, 76);
    str(out, "x-amz-id-2", id2);
    number(out, "bytesTransferredOut", api.name == "GetObject" ? random.below(20000000) : 0);
    close(out);
    resource("AWS::S3::Object", "arn:aws:s3:::" + bucket + "/" + key, false);
    resource("AWS::S3::Bucket", "arn:aws:s3:::" + bucket);
}

void TrailRequestWriter::s3Bucket()
{
    const std::string &bucket = pickOf(account.buckets);
    open(out, "requestParameters");
    std::string prefix;
    if (api.name == "ListObjects") {
        str(out, "list-type", "2");
        prefix = random.perMille(500) ? "exports/2026/11/" : "raw/events/";
        str(out, "prefix", prefix);
        str(out, "max-keys", "1000");
        continuationToken("continuation-token");
    } else {
        str(out, api.name == "GetBucketAcl" ? "acl" : "policy", "");
    }
    str(out, "bucketName", bucket);
    str(out, "Host", bucket + ".s3." + std::string(region) + ".amazonaws.com");
    close(out);
    raw(out, "responseElements", "null");
    open(out, "additionalEventData");
    str(out, "SignatureVersion", "SigV4");
    str(out, "CipherSuite", "TLS_AES_128_GCM_SHA256");
    number(out, "bytesTransferredIn", 0);
    str(out, "AuthenticationMethod", "AuthHeader");
    std::string id2;
    appendBase64(id2, random, 76);
    str(out, "x-amz-id-2", id2);
    number(out, "bytesTransferredOut", 200 + random.below(90000));
    close(out);
    if (!prefix.empty())
        resource("AWS::S3::Object", "arn:aws:s3:::" + bucket + "/" + prefix, false, true);
    resource("AWS::S3::Bucket", "arn:aws:s3:::" + bucket);
}

void TrailRequestWriter::continuationToken(string_view name) const
{
    // A third of listing calls fetch a next page, with the opaque token of the previous one.
    if (!random.perMille(330))
        return;
    std::string token;
    appendBase64(token, random, 80 + random.below(120));
    str(out, name, token);
}

std::string TrailRequestWriter::ec2Id(string_view prefix) const
{
    std::string id(prefix);
    appendHex(id, random.next(), 17);
    return id;
}

void TrailRequestWriter::ec2Read()
{
    open(out, "requestParameters");
    if (api.name == "DescribeInstances") {
        if (random.perMille(500)) {
            open(out, "instancesSet");
            openArray(out, "items");
            openObject(out);
            str(out, "instanceId", ec2Id("i-0"));
            close(out);
            closeArray(out);
            close(out);
            open(out, "filterSet");
            close(out);
        } else {
            open(out, "instancesSet");
            close(out);
            open(out, "filterSet");
            openArray(out, "items");
            openObject(out);
            str(out, "name", "instance-state-name");
            open(out, "valueSet");
            openArray(out, "items");
            openObject(out);
            str(out, "value", "running");
            close(out);
            closeArray(out);
            close(out);
            close(out);
            closeArray(out);
            close(out);
            number(out, "maxResults", 1000);
            continuationToken("nextToken");
        }
    } else if (api.name == "DescribeSecurityGroups") {
        open(out, "securityGroupSet");
        close(out);
        open(out, "securityGroupIdSet");
        openArray(out, "items");
        openObject(out);
        str(out, "groupId", ec2Id("sg-0"));
        close(out);
        closeArray(out);
        close(out);
        open(out, "filterSet");
        close(out);
    } else if (api.name == "DescribeImages") {
        open(out, "executableBySet");
        close(out);
        open(out, "imagesSet");
        openArray(out, "items");
        openObject(out);
        str(out, "imageId", ec2Id("ami-0"));
        close(out);
        closeArray(out);
        close(out);
        open(out, "ownersSet");
        close(out);
        boolean(out, "availabilityZoneId", false);
        boolean(out, "includeDeprecated", false);
    } else {
        open(out, api.name == "DescribeVolumes" ? "volumeSet" : "filterSet");
        close(out);
        number(out, "maxResults", 500);
    }
    close(out);
    raw(out, "responseElements", "null");
}

void TrailRequestWriter::ec2Write(bool failed)
{
    const std::string instance = ec2Id("i-0");
    const std::string requestId = uuid(random);
    open(out, "requestParameters");
    if (api.name == "RunInstances") {
        open(out, "instancesSet");
        openArray(out, "items");
        openObject(out);
        str(out, "imageId", ec2Id("ami-0"));
        number(out, "minCount", 1);
        number(out, "maxCount", 1);
        close(out);
        closeArray(out);
        close(out);
        str(out, "instanceType", random.perMille(600) ? "t3.medium" : "m6i.xlarge");
        open(out, "blockDeviceMapping");
        close(out);
        open(out, "monitoring");
        boolean(out, "enabled", false);
        close(out);
        boolean(out, "disableApiTermination", false);
        boolean(out, "disableApiStop", false);
        str(out, "clientToken", uuid(random));
        open(out, "tagSpecificationSet");
        openArray(out, "items");
        openObject(out);
        str(out, "resourceType", "instance");
        openArray(out, "tags");
        openObject(out);
        str(out, "key", "Name");
        str(out, "value", random.perMille(500) ? "api-worker" : "batch-runner");
        close(out);
        closeArray(out);
        close(out);
        closeArray(out);
        close(out);
    } else if (api.name == "CreateTags") {
        open(out, "resourcesSet");
        openArray(out, "items");
        openObject(out);
        str(out, "resourceId", instance);
        close(out);
        closeArray(out);
        close(out);
        open(out, "tagSet");
        openArray(out, "items");
        openObject(out);
        str(out, "key", "CostCenter");
        str(out, "value", twoDigits(random.below(100)));
        close(out);
        closeArray(out);
        close(out);
    } else if (api.name == "AuthorizeSecurityGroupIngress") {
        str(out, "groupId", ec2Id("sg-0"));
        open(out, "ipPermissions");
        openArray(out, "items");
        openObject(out);
        str(out, "ipProtocol", "tcp");
        number(out, "fromPort", 22);
        number(out, "toPort", 22);
        open(out, "groups");
        close(out);
        open(out, "ipRanges");
        openArray(out, "items");
        openObject(out);
        str(out, "cidrIp", "0.0.0.0/0");
        close(out);
        closeArray(out);
        close(out);
        close(out);
        closeArray(out);
        close(out);
    } else if (api.name == "CreateSnapshot" || api.name == "ModifySnapshotAttribute") {
        if (api.name == "CreateSnapshot") {
            str(out, "volumeId", ec2Id("vol-0"));
            str(out, "description", "nightly backup");
        } else {
            str(out, "snapshotId", ec2Id("snap-0"));
            open(out, "createVolumePermission");
            open(out, "add");
            openArray(out, "items");
            openObject(out);
            std::string other;
            appendDigits(other, random.next(), 12);
            str(out, "userId", other);
            close(out);
            closeArray(out);
            close(out);
            close(out);
            str(out, "attributeType", "CREATE_VOLUME_PERMISSION");
        }
    } else {
        open(out, "instancesSet");
        openArray(out, "items");
        openObject(out);
        str(out, "instanceId", instance);
        close(out);
        closeArray(out);
        close(out);
        boolean(out, "force", false);
    }
    close(out);
    if (failed) {
        raw(out, "responseElements", "null");
        return;
    }
    open(out, "responseElements");
    str(out, "requestId", requestId);
    if (api.name == "RunInstances") {
        str(out, "reservationId", ec2Id("r-0"));
        str(out, "ownerId", account.id);
        open(out, "instancesSet");
        openArray(out, "items");
        openObject(out);
        str(out, "instanceId", instance);
        open(out, "instanceState");
        number(out, "code", 0);
        str(out, "name", "pending");
        close(out);
        const std::string ip =
            "10.0." + std::to_string(random.below(256)) + "." + std::to_string(random.below(256));
        str(out, "privateIpAddress", ip);
        str(out, "subnetId", ec2Id("subnet-0"));
        str(out, "vpcId", ec2Id("vpc-0"));
        number(out, "launchTime", static_cast<std::uint64_t>(timeMs));
        close(out);
        closeArray(out);
        close(out);
    } else if (api.name == "StopInstances" || api.name == "TerminateInstances") {
        open(out, "instancesSet");
        openArray(out, "items");
        openObject(out);
        str(out, "instanceId", instance);
        open(out, "currentState");
        number(out, "code", api.name == "StopInstances" ? 64 : 32);
        str(out, "name", api.name == "StopInstances" ? "stopping" : "shutting-down");
        close(out);
        open(out, "previousState");
        number(out, "code", 16);
        str(out, "name", "running");
        close(out);
        close(out);
        closeArray(out);
        close(out);
    } else if (api.name == "CreateSnapshot") {
        str(out, "snapshotId", ec2Id("snap-0"));
        str(out, "status", "pending");
        number(out, "startTime", static_cast<std::uint64_t>(timeMs));
    } else {
        boolean(out, "_return", true);
    }
    close(out);
}

void TrailRequestWriter::iamRead(const std::string &user, const std::string &role)
{
    open(out, "requestParameters");
    if (api.name == "GetRole")
        str(out, "roleName", role);
    else if (api.name == "GetUser")
        str(out, "userName", user);
    else {
        number(out, "maxItems", 100);
        continuationToken("marker");
    }
    close(out);
    raw(out, "responseElements", "null");
}

void TrailRequestWriter::iamWrite(const std::string &user, const std::string &role, bool failed)
{
    open(out, "requestParameters");
    std::string key = "AKIA";
    appendBase32(key, random, 16);
    if (api.name == "AttachRolePolicy" || api.name == "PutRolePolicy") {
        str(out, "roleName", role);
        if (api.name == "AttachRolePolicy") {
            str(out, "policyArn",
                random.perMille(700) ? "arn:aws:iam::aws:policy/ReadOnlyAccess"
                                     : "arn:aws:iam::aws:policy/"
                                       "AdministratorAccess");
        } else {
            str(out, "policyName", "inline-s3-access");
            // IAM hands policy documents over as strings of JSON, quotes escaped.
            str(out, "policyDocument",
                "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": "
                "\"Allow\",\n    \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n    "
                "\"Resource\": \"arn:aws:s3:::"
                    + pickOf(account.buckets) + "/*\"\n  }]\n}");
        }
    } else {
        str(out, "userName", user);
        if (api.name == "DeleteAccessKey")
            str(out, "accessKeyId", key);
        if (api.name == "UpdateLoginProfile" || api.name == "CreateLoginProfile")
            boolean(out, "passwordResetRequired", random.perMille(500));
    }
    close(out);
    if (failed || api.name == "AttachRolePolicy" || api.name == "PutRolePolicy"
        || api.name == "DeleteAccessKey" || api.name == "UpdateLoginProfile") {
        raw(out, "responseElements", "null");
        return;
    }
    open(out, "responseElements");
    const std::string created = consoleDate(timeMs);
    if (api.name == "CreateAccessKey") {
        open(out, "accessKey");
        str(out, "userName", user);
        str(out, "accessKeyId", key);
        str(out, "status", "Active");
        str(out, "createDate", created);
    } else if (api.name == "CreateLoginProfile") {
        open(out, "loginProfile");
        str(out, "userName", user);
        str(out, "createDate", created);
        boolean(out, "passwordResetRequired", false);
    } else {
        open(out, "user");
        str(out, "path", "/");
        str(out, "userName", user);
        std::string id = "AIDA";
        appendBase32(id, random, 17);
        str(out, "userId", id);
        str(out, "arn", "arn:aws:iam::" + account.id + ":user/" + user);
        str(out, "createDate", created);
    }
    close(out);
    close(out);
}

void TrailRequestWriter::sts(const std::string &role, const std::string &roleId,
                             const TrailCaller &caller, bool failed)
{
    open(out, "requestParameters");
    const std::string roleArn = "arn:aws:iam::" + account.id + ":role/" + role;
    std::string session;
    if (api.name == "AssumeRole") {
        str(out, "roleArn", roleArn);
        session = caller.kind == TrailCaller::Kind::Service ? "botocore-session-" : "session-";
        appendDigits(session, random.next(), 10);
        str(out, "roleSessionName", session);
        number(out, "durationSeconds", 3600);
    } else if (api.name == "GetSessionToken") {
        number(out, "durationSeconds", 43200);
    }
    close(out);
    if (failed || api.name == "GetCallerIdentity") {
        raw(out, "responseElements", "null");
        return;
    }
    open(out, "responseElements");
    open(out, "credentials");
    std::string key = "ASIA";
    appendBase32(key, random, 16);
    str(out, "accessKeyId", key);
    std::string token = "IQoJb3JpZ2luX2Vj";
    // Real session tokens run to several hundred characters.
    appendBase64(token, random, 400 + random.below(400));
    str(out, "sessionToken", token);
    str(out, "expiration", consoleDate(timeMs + 3600000));
    close(out);
    if (api.name == "AssumeRole") {
        open(out, "assumedRoleUser");
        str(out, "assumedRoleId", roleId + ":" + session);
        str(out, "arn", "arn:aws:sts::" + account.id + ":assumed-role/" + role + "/" + session);
        close(out);
        resource("AWS::IAM::Role", roleArn);
    }
    close(out);
}

void TrailRequestWriter::kms(const TrailCaller &caller)
{
    const std::string keyArn = arnOf("kms", "key/" + pickOf(account.kmsKeys));
    open(out, "requestParameters");
    if (api.name != "Decrypt")
        str(out, "keyId", api.name == "Encrypt" ? std::string("alias/app-secrets") : keyArn);
    if (api.name == "Decrypt" || api.name == "GenerateDataKey") {
        open(out, "encryptionContext");
        // Most KMS traffic is S3 reading and writing SSE-KMS objects.
        if (caller.service == "s3.amazonaws.com" || random.perMille(600)) {
            str(out, "aws:s3:arn", "arn:aws:s3:::" + pickOf(account.buckets) + "/" + objectKey());
        } else {
            str(out, "aws:lambda:FunctionArn",
                arnOf("lambda", "function:" + pickOf(account.functions)));
        }
        close(out);
    }
    if (api.name == "GenerateDataKey")
        str(out, "keySpec", "AES_256");
    else if (api.name != "DescribeKey")
        str(out, "encryptionAlgorithm", "SYMMETRIC_DEFAULT");
    close(out);
    raw(out, "responseElements", "null");
    resource("AWS::KMS::Key", keyArn);
}

void TrailRequestWriter::lambda(bool failed)
{
    const std::string name = pickOf(account.functions);
    const std::string arn = arnOf("lambda", "function:" + name);
    open(out, "requestParameters");
    if (api.name.starts_with("List")) {
        number(out, "maxItems", 50);
    } else {
        str(out, "functionName", api.name == "Invoke" ? arn : name);
    }
    if (api.name.starts_with("Update")) {
        boolean(out, "publish", false);
        boolean(out, "dryRun", false);
    }
    close(out);
    if (api.name.starts_with("Update") && !failed) {
        open(out, "responseElements");
        str(out, "functionName", name);
        str(out, "functionArn", arn);
        str(out, "runtime", "python3.12");
        str(out, "handler", "app.handler");
        number(out, "codeSize", 4000 + random.below(4000000));
        std::string sha;
        appendBase64(sha, random, 43);
        str(out, "codeSha256", sha + "=");
        str(out, "version", "$LATEST");
        str(out, "revisionId", uuid(random));
        close(out);
    } else {
        raw(out, "responseElements", "null");
    }
    if (api.name == "Invoke") {
        open(out, "additionalEventData");
        str(out, "functionVersion", arn + ":$LATEST");
        close(out);
        resource("AWS::Lambda::Function", arn);
    }
}

void TrailRequestWriter::logs()
{
    const std::string group = "/aws/lambda/" + pickOf(account.functions);
    open(out, "requestParameters");
    if (api.name == "CreateLogStream") {
        str(out, "logGroupName", group);
        std::string stream = "2026/11/" + twoDigits(1 + random.below(28)) + "/[$LATEST]";
        appendHex(stream, random.next(), 16);
        appendHex(stream, random.next(), 16);
        str(out, "logStreamName", stream);
    } else if (api.name == "PutRetentionPolicy") {
        str(out, "logGroupName", group);
        number(out, "retentionInDays", 30);
    } else {
        str(out, "logGroupNamePrefix", "/aws/lambda/");
    }
    close(out);
    raw(out, "responseElements", "null");
}

void TrailRequestWriter::dynamo()
{
    const std::string table = pickOf(account.tables);
    open(out, "requestParameters");
    str(out, "tableName", table);
    if (api.name != "DescribeTable") {
        open(out, "key");
        str(out, "pk", "HIDDEN_DUE_TO_SECURITY_REASONS");
        close(out);
        if (api.name == "Query")
            str(out, "keyConditionExpression", "HIDDEN_DUE_TO_SECURITY_REASONS");
        else
            boolean(out, "consistentRead", false);
    }
    close(out);
    raw(out, "responseElements", "null");
    if (api.data)
        resource("AWS::DynamoDB::Table", arnOf("dynamodb", "table/" + table));
}

void TrailRequestWriter::ssm(bool failed)
{
    open(out, "requestParameters");
    const std::string instance = ec2Id("i-0");
    if (api.name == "GetParameter") {
        str(out, "name", random.pick(kParameters));
        boolean(out, "withDecryption", true);
    } else if (api.name == "GetParameters") {
        openArray(out, "names");
        appendQuoted(out, random.pick(kParameters));
        appendQuoted(out, random.pick(kParameters));
        closeArray(out);
        boolean(out, "withDecryption", true);
    } else if (api.name == "SendCommand") {
        str(out, "documentName", "AWS-RunShellScript");
        openArray(out, "instanceIds");
        appendQuoted(out, instance);
        closeArray(out);
        boolean(out, "interactive", false);
        str(out, "parameters", "HIDDEN_DUE_TO_SECURITY_REASONS");
    } else {
        str(out, "target", instance);
    }
    close(out);
    if (failed || api.name.starts_with("Get")) {
        raw(out, "responseElements", "null");
        return;
    }
    open(out, "responseElements");
    if (api.name == "SendCommand") {
        open(out, "command");
        str(out, "commandId", uuid(random));
        str(out, "documentName", "AWS-RunShellScript");
        str(out, "status", "Pending");
        close(out);
    } else {
        std::string id = "session-";
        appendHex(id, random.next(), 16);
        str(out, "sessionId", id);
        str(out, "tokenValue", "Value hidden due to security reasons.");
        str(out, "streamUrl",
            "wss://ssmmessages." + std::string(region) + ".amazonaws.com/v1/data-channel/" + id
                + "?role=publish_subscribe&cell-number=AAEAAQ");
    }
    close(out);
}

void TrailRequestWriter::secrets()
{
    std::string name = random.perMille(500) ? "prod/api/database-" : "prod/partner/api-key-";
    appendBase62(name, random, 6);
    const std::string arn = arnOf("secretsmanager", "secret:" + name);
    open(out, "requestParameters");
    str(out, "secretId", arn);
    close(out);
    raw(out, "responseElements", "null");
    resource("AWS::SecretsManager::Secret", arn);
}

void TrailRequestWriter::ecr()
{
    static constexpr std::array<string_view, 4> kRepositories{"app/api", "app/worker",
                                                              "base/python", "tools/ci"};
    const string_view repository = random.pick(kRepositories);
    const std::string arn = arnOf("ecr", "repository/" + std::string(repository));
    open(out, "requestParameters");
    if (api.name == "GetAuthorizationToken") {
        openArray(out, "registryIds");
        appendQuoted(out, account.id);
        closeArray(out);
    } else {
        str(out, "registryId", account.id);
        str(out, "repositoryName", repository);
        if (api.name == "BatchGetImage") {
            openArray(out, "imageIds");
            openObject(out);
            str(out, "imageTag",
                "v1." + std::to_string(random.below(40)) + "." + std::to_string(random.below(10)));
            close(out);
            closeArray(out);
        } else {
            std::string digest = "sha256:";
            for (int i = 0; i < 4; ++i)
                appendHex(digest, random.next(), 16);
            str(out, "layerDigest", digest);
        }
    }
    close(out);
    raw(out, "responseElements", "null");
    if (api.name != "GetAuthorizationToken")
        resource("AWS::ECR::Repository", arn);
}

void TrailRequestWriter::cloudTrail()
{
    open(out, "requestParameters");
    if (api.name == "LookupEvents") {
        openArray(out, "lookupAttributes");
        openObject(out);
        str(out, "attributeKey", "EventName");
        str(out, "attributeValue", random.perMille(500) ? "ConsoleLogin" : "StopLogging");
        close(out);
        closeArray(out);
        number(out, "maxResults", 50);
    } else if (api.name == "DescribeTrails") {
        boolean(out, "includeShadowTrails", true);
    } else {
        str(out, "name", arnOf("cloudtrail", "trail/org-trail"));
    }
    close(out);
    raw(out, "responseElements", "null");
    if (api.name == "StopLogging")
        resource("AWS::CloudTrail::Trail", arnOf("cloudtrail", "trail/org-trail"), false);
}

} // namespace gatehouse::bench
