package io.gatehouse.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * OpenPGP encryption to a public key (AES-256 with the integrity packet, as {@code gpg --encrypt}
 * writes by default) and its reverse with the secret key. The public key is an exported key file
 * ({@code gpg --export --armor}); the secret key one from {@code gpg --export-secret-keys --armor}.
 */
final class Pgp {
    private static final String BC = "BC";

    static {
        if (Security.getProvider(BC) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    private Pgp() {}

    /** The first encryption-capable key in an exported public key file. */
    static PGPPublicKey recipient(Path keyFile) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyFile))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
            for (PGPPublicKeyRing ring : rings) {
                for (PGPPublicKey key : ring) {
                    if (key.isEncryptionKey() && !key.hasRevocation()) {
                        return key;
                    }
                }
            }
        } catch (IOException | PGPException e) {
            throw new BackupException(
                    "gatehouse.backup.public-key: " + keyFile + " is not an OpenPGP public key file: " + e.getMessage(),
                    e);
        }
        throw new BackupException("gatehouse.backup.public-key: " + keyFile + " holds no encryption key");
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    /** An output stream whose bytes are encrypted to {@code key} into {@code out}; close it to finish. */
    static OutputStream encrypt(OutputStream out, PGPPublicKey key, String fileName) throws IOException {
        PGPEncryptedDataGenerator gen =
                new PGPEncryptedDataGenerator(new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(new SecureRandom())
                        .setProvider(BC));
        gen.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(key).setProvider(BC));
        try {
            OutputStream encrypted = gen.open(out, new byte[1 << 16]);
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            OutputStream data =
                    literal.open(encrypted, PGPLiteralData.BINARY, fileName, PGPLiteralData.NOW, new byte[1 << 16]);
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    data.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    data.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    literal.close();
                    gen.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("OpenPGP encryption failed: " + e.getMessage(), e);
        }
    }

    /** Secret keys from an exported secret key file, unlocked with {@code passphrase} when protected. */
    static SecretKeys secretKeys(Path keyFile, Optional<char[]> passphrase) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyFile))) {
            return new SecretKeys(
                    new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator()), passphrase, keyFile);
        } catch (IOException | PGPException e) {
            throw new BackupException(
                    "gatehouse.backup.secret-key: " + keyFile + " is not an OpenPGP secret key file: " + e.getMessage(),
                    e);
        }
    }

    /** The secret key ring used to decrypt. */
    record SecretKeys(PGPSecretKeyRingCollection rings, Optional<char[]> passphrase, Path file) {
        PGPPrivateKey find(long keyId) throws PGPException {
            PGPSecretKey key = rings.getSecretKey(keyId);
            if (key == null) {
                return null;
            }
            return key.extractPrivateKey(
                    new JcePBESecretKeyDecryptorBuilder().setProvider(BC).build(passphrase.orElse(new char[0])));
        }
    }

    /**
     * The decrypted content of an OpenPGP message. Reading it to the end and closing it checks the
     * integrity packet; a tampered or truncated message fails there with an {@link IOException}.
     */
    static InputStream decrypt(InputStream in, SecretKeys keys) throws IOException {
        try {
            JcaPGPObjectFactory f = new JcaPGPObjectFactory(PGPUtil.getDecoderStream(in));
            Object o = f.nextObject();
            if (!(o instanceof PGPEncryptedDataList)) {
                o = f.nextObject();
            }
            if (!(o instanceof PGPEncryptedDataList list)) {
                throw new IOException("not an OpenPGP encrypted message");
            }
            PGPPublicKeyEncryptedData chosen = null;
            PGPPrivateKey key = null;
            List<String> ids = new ArrayList<>();
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext() && key == null; ) {
                if (it.next() instanceof PGPPublicKeyEncryptedData pk) {
                    ids.add(Long.toHexString(pk.getKeyID()).toUpperCase());
                    key = keys.find(pk.getKeyID());
                    chosen = pk;
                }
            }
            if (key == null) {
                throw new IOException("encrypted to key " + String.join(", ", ids) + ", which " + keys.file()
                        + " does not hold (wrong secret key)");
            }
            PGPPublicKeyEncryptedData data = chosen;
            InputStream clear = data.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder()
                    .setProvider(BC)
                    .build(key));
            Object inner = new JcaPGPObjectFactory(clear).nextObject();
            if (inner instanceof PGPCompressedData c) {
                inner = new JcaPGPObjectFactory(c.getDataStream()).nextObject();
            }
            if (!(inner instanceof PGPLiteralData literal)) {
                throw new IOException("the encrypted message holds no literal data");
            }
            InputStream content = literal.getInputStream();
            return new java.io.FilterInputStream(content) {
                private boolean closed;

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    // Drain what the reader left, then check the integrity packet.
                    content.transferTo(OutputStream.nullOutputStream());
                    try {
                        if (!data.isIntegrityProtected() || !data.verify()) {
                            throw new IOException("integrity check failed (modified or truncated)");
                        }
                    } catch (PGPException e) {
                        throw new IOException("integrity check failed: " + e.getMessage(), e);
                    }
                    super.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("decryption failed: " + e.getMessage(), e);
        }
    }
}
