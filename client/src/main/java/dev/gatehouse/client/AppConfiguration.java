package dev.gatehouse.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link App} reaches its server. Immutable; build one with {@link #builder(String)}.
 *
 * <pre>{@code
 * AppConfiguration config = AppConfiguration.builder("myapp-abcde")
 *         .baseUrl("https://auth.example.com")
 *         .requestTimeout(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * @param appId the client app id, such as {@code myapp-abcde}
 * @param baseUrl where the location request goes; later requests follow the reply's {@code hostname}
 * @param requestTimeout limit of each HTTP request
 * @param httpClient the client to send with, or null for one this app builds (and closes)
 * @param credentialStore where users' tokens are kept
 */
public record AppConfiguration(String appId, URI baseUrl, Duration requestTimeout, HttpClient httpClient,
                               CredentialStore credentialStore) {

    /** Gatehouse's address when started with {@code ./gatehouse serve}. */
    public static final String DEFAULT_BASE_URL = "http://localhost:8080";

    public AppConfiguration {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(credentialStore, "credentialStore");
        if (appId.isBlank()) {
            throw new IllegalArgumentException("appId is empty");
        }
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, got " + baseUrl);
        }
    }

    public static Builder builder(String appId) {
        return new Builder(appId);
    }

    /** Builds an {@link AppConfiguration}; not thread-safe. */
    public static final class Builder {
        private final String appId;
        private URI baseUrl = URI.create(DEFAULT_BASE_URL);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private HttpClient httpClient;
        private CredentialStore credentialStore;

        private Builder(String appId) {
            this.appId = appId;
        }

        public Builder baseUrl(String url) {
            String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            this.baseUrl = URI.create(trimmed);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Sends with this client (its proxy, TLS and executor settings); the app will not close it. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        public Builder credentialStore(CredentialStore store) {
            this.credentialStore = store;
            return this;
        }

        public AppConfiguration build() {
            return new AppConfiguration(appId, baseUrl, requestTimeout, httpClient,
                    credentialStore != null ? credentialStore : new InMemoryCredentialStore());
        }
    }
}
