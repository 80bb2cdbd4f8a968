#pragma once

#include "crypto/RsaPublicKey.h"
#include "model/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace gatehouse::cloudtrail {

// The public keys trusted to have signed CloudTrail digests, read from files a user saved.
class DigestPublicKeys
{
public:
    struct Key {
        crypto::RsaPublicKey key;
        QString fingerprint; // as ListPublicKeys gives it; empty when not known
    };

    // Each file is either the JSON of `aws cloudtrail list-public-keys`
    //     {"PublicKeyList": [{"Value": "<base64 DER PKCS#1>", "Fingerprint": "<hex>", ...}]}
    // or one RSA public key in PEM or DER (see crypto::RsaPublicKey), whose fingerprint is
    // then unknown. InvalidInput naming the file for anything else, a key under 2048 bits or
    // a key list without keys; NotFound when a file cannot be opened.
    static Result<DigestPublicKeys> load(const QStringList &files);
    Result<void> addFile(const QString &path);
    // The same for a file's content; `name` is what errors call it.
    Result<void> addContent(const QByteArray &content, const QString &name);

    bool isEmpty() const { return m_keys.empty(); }
    const std::vector<Key> &keys() const { return m_keys; }

    // The keys to try on a digest that names `fingerprint`: the keys with that fingerprint
    // (in any case), else every key whose fingerprint is not known.
    std::vector<crypto::RsaPublicKey> candidates(const QString &fingerprint) const;

private:
    Result<void> addKeyList(const QJsonObject &list, const QString &name);

    std::vector<Key> m_keys;
};

} // namespace gatehouse::cloudtrail
