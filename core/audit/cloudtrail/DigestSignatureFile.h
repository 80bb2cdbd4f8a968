#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace gatehouse::cloudtrail {

// CloudTrail keeps a digest's signature out of the file, as S3 object metadata
// (x-amz-meta-signature, hex; x-amz-meta-signature-algorithm). A local copy carries it in a
// file saved beside the digest, one of:
//   <digest>.signature       the hex signature alone
//   <digest>.metadata.json   what `aws s3api head-object` prints for the digest:
//                            {"Metadata": {"signature": "...", "signature-algorithm":
//                            "SHA256withRSA"}, ...}
class DigestSignatureFile
{
public:
    static QString signaturePath(const QString &digestPath);
    static QString metadataPath(const QString &digestPath);

    // The signature's bytes from the first of those files that exists; nullopt when neither
    // does, or the metadata holds no signature. InvalidInput, naming the file, when one
    // cannot be read as a signature (not hex, not that JSON, another algorithm).
    static Result<std::optional<QByteArray>> read(const QString &digestPath);

    // Strict hex (either case, nothing else, an even length), nullopt otherwise.
    static std::optional<QByteArray> fromHex(QStringView text);
};

} // namespace gatehouse::cloudtrail
