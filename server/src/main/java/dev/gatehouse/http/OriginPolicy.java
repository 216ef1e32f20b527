package dev.gatehouse.http;

/**
 * Which browser origins may call the client API. {@link Cors} asks it for every request that
 * carries an {@code Origin} header; requests without one (server-side SDKs, curl) are not browser
 * requests and are never refused.
 */
@FunctionalInterface
public interface OriginPolicy {
    /** Every origin is allowed and echoed (no app restricts its origins). */
    OriginPolicy ANY = (clientAppId, origin) -> true;

    /**
     * @param clientAppId the client app id in the request path, or null for the app-less routes
     *     ({@code /api/client/v2.0/auth/...}, {@code /api/client/v2.0/app/...} without an id)
     * @param origin the {@code Origin} header, as sent
     */
    boolean allows(String clientAppId, String origin);
}
