package io.chat.auth;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails when a file that is (or is about to be) committed holds a private key or an obvious hard-coded secret. Reads
 * the file list with {@code git ls-files --cached --others --exclude-standard} (read-only) from the repository root.
 */
class NoSecretsInRepositoryTest {
    /** PEM private keys with actual key material after the header (code that merely names the header passes). */
    static final Pattern PEM_PRIVATE_KEY = Pattern.compile(
            "-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----\\r?\\n(?:[A-Za-z0-9+/=:, -]*\\r?\\n)*[A-Za-z0-9+/=]{40,}");
    /** Private JWKs (the "d" member) of realistic length. */
    static final Pattern JWK_PRIVATE = Pattern.compile("\"d\"\\s*:\\s*\"[A-Za-z0-9_-]{40,}\"");
    static final Pattern WELL_KNOWN_TOKENS = Pattern.compile(
            "AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[baprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}"
                    + "|AIza[0-9A-Za-z_-]{35}");
    /**
     * In configuration files: a password/secret/key/token setting with a literal value (not ${...}, not $VAR, not a
     * {@code <placeholder>}, not empty). Quarkus config expressions, environment references and generated files are the allowed forms.
     */
    static final Pattern CONFIG_SECRET = Pattern.compile(
            // the setting's own name (start of line, name characters only, so never inside a ${...} value), then a
            // literal value on the same line
            "(?im)^[ \\t-]*[\"']?[a-z0-9_.-]*?(password|passwd|secret|private[-_.]?key|api[-_.]?key|access[-_.]?token|client[-_.]?secret)"
                    // keys naming a reference (Kubernetes secretName, secretKeyRef) hold no secret themselves
                    + "(?![a-z0-9_-]*(?:name|ref)[\"']?[ \\t]*[=:])[a-z0-9_-]*[\"']?[ \\t]*[=:][ \\t]*[\"']?([^\\s\"'$#{<][^\\s\"']{3,})");

    @Test
    void noPrivateKeysOrHardCodedSecretsAreCommitted() throws Exception {
        Path root = repositoryRoot();
        List<String> files = gitFiles(root);
        assertTrue(files.size() > 10, "git listed too few files, is " + root + " the repository?");
        assertTrue(files.contains("auth-service/pom.xml"), "the scan must cover this module");
        List<String> findings = new ArrayList<>();
        for (String f : files) {
            Path p = root.resolve(f);
            if (!Files.isRegularFile(p) || Files.size(p) > 2_000_000) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(p);
            if (isBinary(bytes)) {
                continue;
            }
            findings.addAll(scan(f, new String(bytes, StandardCharsets.UTF_8)));
        }
        assertTrue(findings.isEmpty(), "secrets found in the repository:\n" + String.join("\n", findings));
    }

    @Test
    void theScannerRecognisesWhatItMustRefuse() {
        String dashes = "-----";
        String pem = dashes + "BEGIN PRIVATE KEY" + dashes + "\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"
                + "AAAAAAAAAAAAAAAAAAAAAAAA\n" + dashes + "END PRIVATE KEY" + dashes + "\n";
        assertTrue(!scan("key.pem", pem).isEmpty(), "PEM private key");
        assertTrue(!scan("x.properties", "quarkus.datasource.password=hunter2hunter2\n").isEmpty(), "literal password");
        assertTrue(!scan("x.yml", "  clientSecret: 'abcd1234'\n").isEmpty(), "literal secret in yaml");
        assertTrue(!scan("x.json", "{\"kty\":\"EC\",\"d\":\"" + "A".repeat(43) + "\"}").isEmpty(), "private JWK");
        assertTrue(!scan("Config.java", "String k = \"AKIA" + "ABCDEFGHIJKLMNOP\";").isEmpty(), "AWS key");
        // the allowed forms
        assertTrue(scan("x.properties", "quarkus.datasource.password=${CHAT_AUTH_DB_PASSWORD}\n").isEmpty());
        assertTrue(scan("x.properties", "# password=example\nquarkus.datasource.password=\n").isEmpty());
        assertTrue(scan("x.sh", "PGPASSWORD=\"$CHAT_AUTH_DB_PASSWORD\" psql\n").isEmpty());
        assertTrue(scan("x.properties", "chat.auth.password.memory-kib=19456\n").isEmpty(), "not a secret: a hashing parameter");
        assertTrue(scan("x.yml", "  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n").isEmpty(), "a compose reference");
        assertTrue(scan("x.yml", "secrets:\n  jwt_signing_key:\n    file: ./keys/k.pem\n").isEmpty(), "a secret's name, no value");
        assertTrue(!scan("x.yml", "  POSTGRES_PASSWORD: hunter2hunter2\n").isEmpty(), "a literal compose value");
        assertTrue(scan("x.yaml", "          secret:\n            secretName: auth-signing-key\n").isEmpty(), "a reference");
        assertTrue(scan("x.yaml", "  CHAT_AUTH_DB_PASSWORD: <password of role chat_auth>\n").isEmpty(), "a placeholder");
        assertTrue(!scan(".env.example", "REDIS_PASSWORD=replace-me\n").isEmpty(), "placeholders are values too");
        assertTrue(scan("Keys.java", "if (pem.contains(\"BEGIN EC PRIVATE KEY\")) {").isEmpty());
    }

    static List<String> scan(String file, String text) {
        List<String> out = new ArrayList<>();
        if (PEM_PRIVATE_KEY.matcher(text).find()) {
            out.add(file + ": PEM private key");
        }
        if (JWK_PRIVATE.matcher(text).find()) {
            out.add(file + ": private JWK (\"d\")");
        }
        Matcher t = WELL_KNOWN_TOKENS.matcher(text);
        if (t.find()) {
            out.add(file + ": credential-shaped token " + t.group().substring(0, 4) + "...");
        }
        if (isConfig(file)) {
            Matcher m = CONFIG_SECRET.matcher(text);
            while (m.find()) {
                out.add(file + ": literal value for a '" + m.group(1) + "' setting");
            }
        }
        return out;
    }

    private static boolean isConfig(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase();
        return name.endsWith(".properties") || name.endsWith(".yml") || name.endsWith(".yaml")
                || name.endsWith(".env") || name.startsWith(".env") || name.endsWith(".sh") || name.endsWith(".conf")
                || name.equals("dockerfile") || name.startsWith("dockerfile.");
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".git"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside a git repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Tracked files plus new files that are not ignored, i.e. everything the next commit could contain. */
    static List<String> gitFiles(Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "-c", "safe.directory=" + root, "ls-files", "-z", "--cached", "--others",
                "--exclude-standard").directory(root.toFile()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("git ls-files failed: " + err);
        }
        List<String> files = new ArrayList<>();
        for (String f : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (!f.isEmpty()) {
                files.add(f);
            }
        }
        return files;
    }
}
