package dev.gatehouse.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Keeps users in one JSON file, so a desktop or command-line app stays logged in across runs.
 * The file holds refresh tokens: it is written readable by its owner only (on POSIX file systems),
 * and replaced atomically, so a crash leaves the old file or the new one, never half of one.
 * Thread-safe within one process; do not share a file between processes.
 *
 * <pre>{@code
 * AppConfiguration config = AppConfiguration.builder("myapp-abcde")
 *         .credentialStore(new FileCredentialStore(Path.of(System.getProperty("user.home"), ".myapp", "users.json")))
 *         .build();
 * }</pre>
 */
public final class FileCredentialStore implements CredentialStore {
    private final Path file;
    // The bookkeeping is the in-memory store's; this class adds reading and writing the file.
    private final InMemoryCredentialStore memory = new InMemoryCredentialStore();

    /** Reads the file if it exists; an unreadable file is an {@link UncheckedIOException}. */
    public FileCredentialStore(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            read();
        }
    }

    private void read() {
        try {
            BsonDocument root = BsonDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
            for (BsonValue value : root.getArray("users", new BsonArray())) {
                BsonDocument u = value.asDocument();
                memory.save(new StoredUser(text(u, "id"), text(u, "deviceId"), text(u, "accessToken"),
                        text(u, "refreshToken"), text(u, "profile")));
            }
            memory.setCurrentUserId(text(root, "currentUserId"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(file + " is not a credential file: " + e.getMessage()));
        }
    }

    private static String text(BsonDocument document, String key) {
        BsonValue value = document.get(key);
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    private void write() {
        BsonArray list = new BsonArray();
        for (StoredUser user : memory.load()) {
            list.add(new BsonDocument("id", string(user.id())).append("deviceId", string(user.deviceId()))
                    .append("accessToken", string(user.accessToken())).append("refreshToken", string(user.refreshToken()))
                    .append("profile", string(user.profileJson())));
        }
        BsonDocument root = new BsonDocument("users", list).append("currentUserId", string(memory.currentUserId()));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".credentials", ".tmp");
            try {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(temporary, root.toJson(), StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static BsonValue string(String value) {
        return value == null ? BsonNull.VALUE : new BsonString(value);
    }

    @Override
    public synchronized List<StoredUser> load() {
        return memory.load();
    }

    @Override
    public synchronized void save(StoredUser user) {
        memory.save(user);
        write();
    }

    @Override
    public synchronized void remove(String userId) {
        memory.remove(userId);
        write();
    }

    @Override
    public synchronized String currentUserId() {
        return memory.currentUserId();
    }

    @Override
    public synchronized void setCurrentUserId(String userId) {
        memory.setCurrentUserId(userId);
        write();
    }
}
