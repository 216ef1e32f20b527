package dev.gatehouse.config;

import dev.gatehouse.ratelimit.RateLimitOverrides;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One app hosted by the server, as read from an App Services export or built as the default app.
 *
 * @param clientAppId the id in client URLs, such as {@code myapp-abcde}
 * @param appObjectId the app's internal ObjectId (24 hex), used as the token domain id
 * @param name display name
 * @param deploymentModel reported by the location route
 * @param location reported by the location route
 * @param allowedRequestOrigins CORS allow-list from the export; empty allows every origin
 * @param userpass the {@code local-userpass} provider, or null when the app has none
 * @param functions the export's functions by name
 * @param values what functions read through {@code context.values} and {@code context.environment}
 * @param directory the export directory, or null for the default app
 * @param rateLimits changes to the server's rate limits, from the export's {@code gatehouse/rate_limits.json}
 */
public record AppConfig(
        String clientAppId,
        String appObjectId,
        String name,
        String deploymentModel,
        String location,
        List<String> allowedRequestOrigins,
        ProviderConfig userpass,
        Map<String, FunctionSource> functions,
        AppValues values,
        Path directory,
        RateLimitOverrides rateLimits) {

    public AppConfig {
        rateLimits = rateLimits == null ? RateLimitOverrides.NONE : rateLimits;
        allowedRequestOrigins = List.copyOf(allowedRequestOrigins);
        functions = Map.copyOf(functions);
    }

    /** This app with another local-userpass provider (one changed through the admin API). */
    public AppConfig withUserpass(ProviderConfig provider) {
        return new AppConfig(clientAppId, appObjectId, name, deploymentModel, location, allowedRequestOrigins,
                provider, functions, values, directory, rateLimits);
    }

    /** The id of the app's local-userpass provider, stable for the app (profile {@code provider_id}). */
    public String userpassProviderId() {
        return AppExportLoader.derivedObjectId(appObjectId + "/local-userpass");
    }
}
