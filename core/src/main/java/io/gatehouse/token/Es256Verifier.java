package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.impl.BaseJWSProvider;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.Set;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/*
 * ES256 verification with Bouncy Castle's ECDSA, the verifying half of the bouncycastle engine
 * (gatehouse.tokens.es256-engine; with jdk, Nimbus's ECDSAVerifier over the JDK's verifies instead).
 *
 * Why: a verification is what an introspection of a token not seen before, a revocation by access token
 * and every verify() that misses the verification cache cost, and the JDK's took ~386 us on the
 * benchmark machine against Bouncy Castle's ~90 us (JDK 25, one thread; docs/BENCHMARKS.md, "#19
 * refresh: ES256 on Bouncy Castle's P-256").
 *
 * It refuses what Nimbus's ECDSAVerifier refuses: another algorithm (an exception, as Nimbus throws), a
 * header with critical parameters ("crit": Gatehouse defines none, so none can be understood, RFC 7515
 * 4.1.11), a signature that is not the 64-byte r||s form; Bouncy Castle's verifySignature refuses r or
 * s outside [1, n-1]. The public key is validated once, when the key set is loaded.
 */
final class Es256Verifier extends BaseJWSProvider implements JWSVerifier {
    private static final int HALF = 32;

    private final ECPublicKeyParameters key;

    Es256Verifier(ECPublicKey publicKey) {
        super(Set.of(JWSAlgorithm.ES256));
        this.key = BouncyCastleP256.publicKey(publicKey);
        // A throwaway verification (r = s = 1, refused) at key load builds the key's window tables, which
        // the first token to verify should not wait for.
        ECDSASigner ecdsa = new ECDSASigner();
        ecdsa.init(false, key);
        ecdsa.verifySignature(new byte[HALF], BigInteger.ONE, BigInteger.ONE);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new JOSEException("an ES256 key cannot verify " + header.getAlgorithm());
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        byte[] rs = signature.decode();
        if (rs.length != 2 * HALF) {
            return false;
        }
        BigInteger r = new BigInteger(1, rs, 0, HALF);
        BigInteger s = new BigInteger(1, rs, HALF, HALF);
        ECDSASigner ecdsa = new ECDSASigner(); // holds no more than the key: one per call costs nothing
        ecdsa.init(false, key);
        return ecdsa.verifySignature(SealedBox.sha256().digest(signingInput), r, s);
    }
}
