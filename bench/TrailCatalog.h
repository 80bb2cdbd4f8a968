#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// What the generated trails are made of: the API calls with their popularity order, regions,
// user agents and the names of people, roles and resources.
namespace gatehouse::bench {

using std::string_view;

enum class Family {
    S3Object,
    S3Bucket,
    Ec2Read,
    Ec2Write,
    IamRead,
    IamWrite,
    Sts,
    Kms,
    Lambda,
    Logs,
    Dynamo,
    Ssm,
    Secrets,
    Ecr,
    CloudTrail,
    Console,
    Organizations,
};

struct Api {
    string_view source;
    string_view name;
    Family family;
    bool readOnly;
    bool global; // recorded in us-east-1 only (IAM, sign-in, Organizations)
    bool data; // a data event (eventCategory Data, managementEvent false)
};

// In order of popularity: the Zipf draw makes the first few dominate, as KMS, S3 and STS
// calls do in real trails, and keeps a long tail of rare administrative calls.
inline constexpr std::array kApis{
    Api{"kms.amazonaws.com", "Decrypt", Family::Kms, true, false, false},
    Api{"s3.amazonaws.com", "GetObject", Family::S3Object, true, false, true},
    Api{"sts.amazonaws.com", "AssumeRole", Family::Sts, false, false, false},
    Api{"ec2.amazonaws.com", "DescribeInstances", Family::Ec2Read, true, false, false},
    Api{"s3.amazonaws.com", "PutObject", Family::S3Object, false, false, true},
    Api{"logs.amazonaws.com", "CreateLogStream", Family::Logs, false, false, false},
    Api{"kms.amazonaws.com", "GenerateDataKey", Family::Kms, true, false, false},
    Api{"lambda.amazonaws.com", "Invoke", Family::Lambda, false, false, true},
    Api{"dynamodb.amazonaws.com", "GetItem", Family::Dynamo, true, false, true},
    Api{"ssm.amazonaws.com", "GetParameter", Family::Ssm, true, false, false},
    Api{"s3.amazonaws.com", "HeadObject", Family::S3Object, true, false, true},
    Api{"sts.amazonaws.com", "GetCallerIdentity", Family::Sts, true, false, false},
    Api{"ec2.amazonaws.com", "DescribeSecurityGroups", Family::Ec2Read, true, false, false},
    Api{"iam.amazonaws.com", "GetRole", Family::IamRead, true, true, false},
    Api{"secretsmanager.amazonaws.com", "GetSecretValue", Family::Secrets, true, false, false},
    Api{"ecr.amazonaws.com", "GetAuthorizationToken", Family::Ecr, true, false, false},
    Api{"dynamodb.amazonaws.com", "Query", Family::Dynamo, true, false, true},
    Api{"s3.amazonaws.com", "ListObjects", Family::S3Bucket, true, false, true},
    Api{"cloudtrail.amazonaws.com", "LookupEvents", Family::CloudTrail, true, false, false},
    Api{"iam.amazonaws.com", "ListRoles", Family::IamRead, true, true, false},
    Api{"ec2.amazonaws.com", "DescribeVolumes", Family::Ec2Read, true, false, false},
    Api{"lambda.amazonaws.com", "GetFunction20150331v2", Family::Lambda, true, false, false},
    Api{"ecr.amazonaws.com", "BatchGetImage", Family::Ecr, true, false, false},
    Api{"signin.amazonaws.com", "ConsoleLogin", Family::Console, false, true, false},
    Api{"ec2.amazonaws.com", "DescribeVpcs", Family::Ec2Read, true, false, false},
    Api{"kms.amazonaws.com", "DescribeKey", Family::Kms, true, false, false},
    Api{"s3.amazonaws.com", "GetBucketAcl", Family::S3Bucket, true, false, false},
    Api{"dynamodb.amazonaws.com", "PutItem", Family::Dynamo, false, false, true},
    Api{"ec2.amazonaws.com", "CreateTags", Family::Ec2Write, false, false, false},
    Api{"iam.amazonaws.com", "GetUser", Family::IamRead, true, true, false},
    Api{"logs.amazonaws.com", "DescribeLogGroups", Family::Logs, true, false, false},
    Api{"ssm.amazonaws.com", "GetParameters", Family::Ssm, true, false, false},
    Api{"ec2.amazonaws.com", "RunInstances", Family::Ec2Write, false, false, false},
    Api{"ec2.amazonaws.com", "DescribeImages", Family::Ec2Read, true, false, false},
    Api{"ec2.amazonaws.com", "StopInstances", Family::Ec2Write, false, false, false},
    Api{"sts.amazonaws.com", "GetSessionToken", Family::Sts, true, false, false},
    Api{"s3.amazonaws.com", "DeleteObject", Family::S3Object, false, false, true},
    Api{"iam.amazonaws.com", "ListUsers", Family::IamRead, true, true, false},
    Api{"cloudtrail.amazonaws.com", "DescribeTrails", Family::CloudTrail, true, false, false},
    Api{"ec2.amazonaws.com", "DescribeSnapshots", Family::Ec2Read, true, false, false},
    Api{"kms.amazonaws.com", "Encrypt", Family::Kms, true, false, false},
    Api{"lambda.amazonaws.com", "ListFunctions20150331", Family::Lambda, true, false, false},
    Api{"secretsmanager.amazonaws.com", "DescribeSecret", Family::Secrets, true, false, false},
    Api{"s3.amazonaws.com", "GetBucketPolicy", Family::S3Bucket, true, false, false},
    Api{"ssm.amazonaws.com", "SendCommand", Family::Ssm, false, false, false},
    Api{"ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", Family::Ec2Write, false, false,
        false},
    Api{"ec2.amazonaws.com", "TerminateInstances", Family::Ec2Write, false, false, false},
    Api{"iam.amazonaws.com", "CreateAccessKey", Family::IamWrite, false, true, false},
    Api{"dynamodb.amazonaws.com", "DescribeTable", Family::Dynamo, true, false, false},
    Api{"cloudtrail.amazonaws.com", "GetTrailStatus", Family::CloudTrail, true, false, false},
    Api{"iam.amazonaws.com", "AttachRolePolicy", Family::IamWrite, false, true, false},
    Api{"iam.amazonaws.com", "PutRolePolicy", Family::IamWrite, false, true, false},
    Api{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", Family::Lambda, false, false,
        false},
    Api{"ec2.amazonaws.com", "CreateSnapshot", Family::Ec2Write, false, false, false},
    Api{"iam.amazonaws.com", "CreateUser", Family::IamWrite, false, true, false},
    Api{"ssm.amazonaws.com", "StartSession", Family::Ssm, false, false, false},
    Api{"logs.amazonaws.com", "PutRetentionPolicy", Family::Logs, false, false, false},
    Api{"iam.amazonaws.com", "DeleteAccessKey", Family::IamWrite, false, true, false},
    Api{"iam.amazonaws.com", "UpdateLoginProfile", Family::IamWrite, false, true, false},
    Api{"ecr.amazonaws.com", "GetDownloadUrlForLayer", Family::Ecr, true, false, false},
    Api{"cloudtrail.amazonaws.com", "StopLogging", Family::CloudTrail, false, false, false},
    Api{"ec2.amazonaws.com", "ModifySnapshotAttribute", Family::Ec2Write, false, false, false},
    Api{"organizations.amazonaws.com", "DescribeOrganization", Family::Organizations, true, true,
        false},
    Api{"iam.amazonaws.com", "CreateLoginProfile", Family::IamWrite, false, true, false},
};

inline const std::vector<std::string> kRegions{"us-east-1",    "us-west-2",      "eu-west-1",
                                               "eu-central-1", "ap-southeast-2", "sa-east-1"};
inline constexpr std::array<std::uint32_t, 6> kRegionWeights{50, 20, 15, 8, 4, 3};

// "@" stands for a number that differs from host to host (kernel builds).
inline constexpr std::array<string_view, 16> kSdkAgents{
    "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2",
    "Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.@-@.@.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy "
    "Botocore/1.34.144",
    "aws-cli/2.17.13 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0-23-amd64 md/arch#x86_64 "
    "lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
    "md/distrib#debian.12 md/prompt#off md/command#s3.cp",
    "aws-sdk-java/2.26.20 Linux/5.10.@-@.@.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/"
    "17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "APN/1.0 HashiCorp/1.0 Terraform/1.9.2 (+https://www.terraform.io) terraform-provider-aws/"
    "5.58.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.1 "
    "os/linux lang/go#1.22.4 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.168.0",
    "aws-sdk-js/3.614.0 ua/2.0 os/linux#5.10.@-@.@.amzn2.x86_64 lang/js md/nodejs#20.15.1 "
    "api/dynamodb#3.614.0",
    "kubernetes/v1.30.2-eks-1552ad0 aws-sdk-go/1.51.30 (go1.22.4; linux; amd64)",
    "aws-cli/2.15.58 Python/3.11.8 Darwin/23.5.0 exe/x86_64 prompt/off command/sts.get-caller-"
    "identity",
    "[aws-cli/1.33.26 md/Botocore#1.34.144 ua/2.0 os/linux#5.15.0-1064-aws md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.144]",
    "aws-sdk-dotnet-coreclr/3.7.303.25 aws-sdk-dotnet-core/3.7.304.3 .NET_Core/8.0.7 "
    "OS/Microsoft_Windows_10.0.20348 ClientAsync",
    "aws-internal/3 aws-sdk-java/1.12.748 Linux/5.10.@-@.@.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation "
    "cfg/retry-mode/standard",
    "Datadog/7.55.2 aws-sdk-go/1.53.19 (go1.21.11; linux; amd64)",
    "aws-sdk-go-v2/1.27.2 os/linux lang/go#1.21.10 md/GOOS#linux md/GOARCH#arm64 api/kms#1.32.3",
    "Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#4.14.@-@.@.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.9.19 md/pyimpl#CPython exec-env/AWS_Lambda_python3.9 "
    "cfg/retry-mode#legacy Botocore/1.31.62",
    "S3Console/0.4",
    "AWSPowerShell.Common/4.1.618.0 .NET_Runtime/4.0 .NET_Framework/4.0 OS/Microsoft_Windows_NT_"
    "10.0.17763.0 WindowsPowerShell/5.0 ClientSync",
};

inline constexpr std::array<string_view, 4> kBrowsers{
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
};

inline constexpr std::array<string_view, 8> kServices{
    "lambda.amazonaws.com",
    "ec2.amazonaws.com",
    "s3.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "cloudformation.amazonaws.com",
    "autoscaling.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "AWS Internal",
};

inline constexpr std::array<string_view, 40> kFirstNames{
    "alice",  "bob",    "carol",   "dave",      "erin",   "frank", "grace",  "heidi",
    "ivan",   "judy",   "mallory", "niaj",      "olivia", "peggy", "rupert", "sybil",
    "trent",  "victor", "walter",  "amara",     "chen",   "diego", "fatima", "hiro",
    "ingrid", "jonas",  "kenji",   "leila",     "mateo",  "nadia", "omar",   "priya",
    "rahul",  "sakura", "tariq",   "valentina", "wei",    "yusuf", "zoe",    "lars",
};
inline constexpr std::array<string_view, 24> kLastNames{
    "smith", "garcia", "chen",   "mueller", "rossi",  "tanaka", "okafor", "novak",
    "silva", "kumar",  "jensen", "dubois",  "ivanov", "kim",    "lopez",  "nguyen",
    "patel", "sato",   "weber",  "yilmaz",  "hansen", "costa",  "abe",    "klein",
};
inline constexpr std::array<string_view, 12> kMachineUsers{
    "ci-deploy",           "terraform",        "backup-agent", "grafana-reader",
    "datadog-integration", "github-actions",   "jenkins",      "etl-loader",
    "billing-export",      "vault-aws-engine", "s3-sync",      "legacy-cron",
};
inline constexpr std::array<string_view, 14> kRoleNames{
    "AWSReservedSSO_AdministratorAccess_6c1d2e4f9a0b3c5d",
    "AWSReservedSSO_ReadOnlyAccess_0f7e6d5c4b3a2918",
    "AWSReservedSSO_PowerUserAccess_a1b2c3d4e5f60718",
    "OrganizationAccountAccessRole",
    "eks-node-group-role",
    "lambda-orders-processor",
    "lambda-thumbnailer",
    "ecs-task-api",
    "github-actions-deploy",
    "ec2-app-server",
    "datadog-integration-role",
    "AWSServiceRoleForAutoScaling",
    "config-recorder",
    "break-glass-admin",
};
inline constexpr std::array<string_view, 10> kBucketPurposes{
    "app-assets", "data-lake", "logs",      "backups",        "terraform-state",
    "uploads",    "reports",   "artifacts", "athena-results", "static-site",
};
inline constexpr std::array<string_view, 8> kFunctionNames{
    "orders-processor", "thumbnailer", "auth-token-rotator", "nightly-report",
    "webhook-relay",    "s3-indexer",  "slack-notifier",     "cost-exporter",
};
inline constexpr std::array<string_view, 6> kTableNames{
    "orders", "sessions", "customers", "inventory", "feature-flags", "audit-events",
};
inline constexpr std::array<string_view, 8> kParameters{
    "/prod/api/db-url",      "/prod/api/db-password",   "/prod/web/feature-flags",
    "/staging/api/db-url",   "/shared/datadog/api-key", "/prod/worker/queue-url",
    "/prod/api/jwt-signing", "/ami/latest/al2023",
};

} // namespace gatehouse::bench
