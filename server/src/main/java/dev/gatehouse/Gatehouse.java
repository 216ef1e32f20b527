package dev.gatehouse;

import dev.gatehouse.account.UserStore;
import dev.gatehouse.admin.AdminAccounts;
import dev.gatehouse.admin.AdminAppRoutes;
import dev.gatehouse.admin.AdminAuthRoutes;
import dev.gatehouse.admin.AdminException;
import dev.gatehouse.admin.AdminUserRoutes;
import dev.gatehouse.admin.UserAdmin;
import dev.gatehouse.app.AppOrigins;
import dev.gatehouse.app.Apps;
import dev.gatehouse.app.LocationRoutes;
import dev.gatehouse.app.ProviderSettings;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.AppExportLoader;
import dev.gatehouse.config.InvalidConfigException;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.confirmation.ConfirmationFunction;
import dev.gatehouse.confirmation.ConfirmationRoutes;
import dev.gatehouse.confirmation.ConfirmationService;
import dev.gatehouse.console.ConsoleRoutes;
import dev.gatehouse.db.Database;
import dev.gatehouse.function.Functions;
import dev.gatehouse.function.JavaFunctions;
import dev.gatehouse.health.HealthRoutes;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.PublicUrl;
import dev.gatehouse.mail.DevMailbox;
import dev.gatehouse.mail.DevMailboxRoutes;
import dev.gatehouse.mail.MailComposer;
import dev.gatehouse.mail.MailQuota;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.mail.MailTemplates;
import dev.gatehouse.mail.Mailer;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.maintenance.IdleHeap;
import dev.gatehouse.maintenance.Janitor;
import dev.gatehouse.metrics.Metrics;
import dev.gatehouse.metrics.MetricsRoutes;
import dev.gatehouse.pages.HostedPageRoutes;
import dev.gatehouse.pages.AppPages;
import dev.gatehouse.password.BreachedPasswords;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.ratelimit.RateLimiter;
import dev.gatehouse.registration.RegistrationRoutes;
import dev.gatehouse.registration.RegistrationService;
import dev.gatehouse.reset.ResetRoutes;
import dev.gatehouse.reset.ResetService;
import dev.gatehouse.session.SessionRoutes;
import dev.gatehouse.session.SessionService;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.session.SessionTokens;
import dev.gatehouse.session.SigningKeys;
import dev.gatehouse.token.Ids;
import dev.gatehouse.token.UserTokens;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Gatehouse server, and the composition root: every service is built and wired here by
 * hand, in dependency order. Start one with {@link #start(ServerConfig)}; close it to stop.
 * Thread-safe.
 */
public final class Gatehouse implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gatehouse.class);

    private final Database database;
    private final HttpServer http;
    private final PublicUrl publicUrl;
    private final Apps apps;
    private final PasswordHasher hasher;
    private final Outbox outbox;
    private final Functions functions;
    private final Janitor janitor;
    private final IdleHeap idleHeap;
    private final Metrics metrics;
    private final AdminAccounts admins;
    private final ProviderSettings providerSettings;

    /** The admin API's one group: Gatehouse has no groups, but the App Services paths name one. */
    public static final String GROUP_ID = AppExportLoader.derivedObjectId("gatehouse/group");

    /** Sent mail is kept this long for operators, or longer when the mail quota's window is longer. */
    private static final Duration MAIL_RETENTION = Duration.ofDays(7);
    private static final Duration JANITOR_INTERVAL = Duration.ofMinutes(5);

    private Gatehouse(Database database, HttpServer http, PublicUrl publicUrl, Apps apps, PasswordHasher hasher,
                      Outbox outbox, Functions functions, Janitor janitor, IdleHeap idleHeap, Metrics metrics,
                      AdminAccounts admins, ProviderSettings providerSettings) {
        this.idleHeap = idleHeap;
        this.metrics = metrics;
        this.admins = admins;
        this.providerSettings = providerSettings;
        this.database = database;
        this.http = http;
        this.publicUrl = publicUrl;
        this.apps = apps;
        this.hasher = hasher;
        this.outbox = outbox;
        this.functions = functions;
        this.janitor = janitor;
    }

    /** Starts a server with the system clock and a strong random source. */
    public static Gatehouse start(ServerConfig config) {
        return start(config, JavaFunctions.none());
    }

    /**
     * Starts a server whose providers may also name the given Java functions (for applications that
     * embed Gatehouse), with the system clock and a strong random source.
     */
    public static Gatehouse start(ServerConfig config, JavaFunctions javaFunctions) {
        return start(config, Clock.systemUTC(), new SecureRandom(), javaFunctions);
    }

    /** Starts a server with the given clock and random source (tests move the clock to expire tokens). */
    public static Gatehouse start(ServerConfig config, Clock clock, SecureRandom random) {
        return start(config, clock, random, JavaFunctions.none());
    }

    /**
     * Starts a server with the given clock, random source and Java functions. Refuses to start,
     * listing every problem, when the configuration is invalid.
     */
    public static Gatehouse start(ServerConfig config, Clock clock, SecureRandom random, JavaFunctions javaFunctions) {
        List<String> problems = new ArrayList<>(config.problems());
        LoadedApps exports = loadApps(config.appDirs(), javaFunctions, problems);
        List<AppConfig> loaded = exports.apps();
        if (!config.functions().problems().isEmpty()) {
            throw new InvalidConfigException(problems);  // no runtime can be built with such limits
        }
        Ids ids = new Ids(clock, random);
        Metrics metrics = new Metrics();
        // Functions are prepared even when the exports have problems, so that one start reports all.
        Functions functions = Functions.load(loaded, javaFunctions, config.functions(), clock, ids, problems,
                metrics.registry());
        if (!problems.isEmpty()) {
            functions.close();
            metrics.close();
            throw new InvalidConfigException(problems);
        }
        Apps apps = new Apps(loaded);
        Database database;
        try {
            database = Database.open(config.database(), config.dataDir());
        } catch (RuntimeException e) {
            functions.close();
            metrics.close();
            throw e;
        }
        Outbox outbox = null;
        ProviderSettings providerSettings = null;
        try {
            providerSettings = new ProviderSettings(database, apps, functions, clock, config.signingKeyRefresh());
            providerSettings.reconcile(problems);
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(problems);
            }
            PublicUrl publicUrl = new PublicUrl();
            UserStore users = new UserStore();
            SessionStore sessionStore = new SessionStore();
            UserTokens userTokens = new UserTokens(clock, ids, config.userTokenTtl(), config.mail().resendKeepsEarlierLinks());
            PasswordHasher hasher;
            try {
                hasher = new PasswordHasher(config.hashing(), random, metrics.registry(), config.hashConcurrency());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(List.of(e.getMessage()));  // gatehouse.argon2 (docs/passwords.md)
            }
            BreachedPasswords breached = breachedPasswords(config, metrics.registry());
            log.info("breached-password check: {}", breached.describe());
            DevMailbox mailbox = new DevMailbox(database, clock, ids);
            MailSettings mail = config.mail();
            if (mail.smtp() != null) {
                outbox = Outbox.start(database, mail, ids, clock, random);
                outbox.bindMetrics(metrics.registry());
            }
            Mailer mailer = outbox != null ? outbox : mailbox;
            MailQuota quota = new MailQuota(mailer, mail.quotaPerAddress(), mail.quotaWindow(), clock, database.dialect());
            MailComposer composer = new MailComposer(publicUrl, config.userTokenTtl(), exports.mailTemplates());
            SigningKeys keys = SigningKeys.load(database, clock, ids, random, config.signingKeyRefresh());
            SessionTokens sessionTokens = new SessionTokens(keys, clock, config.accessTokenTtl(), config.refreshTokenTtl(),
                    metrics.registry());
            SessionService sessions = new SessionService(database, users, sessionStore, sessionTokens, hasher, apps, ids, clock,
                    metrics.registry());

            RateLimiter limiter = new RateLimiter(database, config.rateLimits(), clock, metrics.registry());
            HttpServer http = new HttpServer(config.maxRequestBytes(), publicUrl, ids, metrics.registry(), new AppOrigins(apps));
            new LocationRoutes(apps, publicUrl).register(http.javalin());
            ConfirmationFunction confirmationFunction = new ConfirmationFunction(database, users, userTokens, functions, clock);
            new RegistrationRoutes(apps, new RegistrationService(database, users, userTokens, hasher, mailer, composer,
                    confirmationFunction, ids, clock, breached), limiter).register(http.javalin());
            ConfirmationService confirmation = new ConfirmationService(database, users, userTokens, mailer, composer, quota,
                    confirmationFunction, clock, mail.privacyMode());
            new ConfirmationRoutes(apps, confirmation, limiter).register(http.javalin());
            ResetService reset = new ResetService(database, users, userTokens, sessionStore, hasher, mailer, composer,
                    quota, functions, clock, breached, mail.privacyMode());
            new ResetRoutes(apps, reset, limiter).register(http.javalin());
            new HostedPageRoutes(apps, confirmation, reset, database, users, userTokens, limiter, exports.pages())
                    .register(http.javalin());
            new SessionRoutes(apps, sessions, keys, limiter).register(http.javalin());
            new HealthRoutes(database).register(http.javalin());
            new MetricsRoutes(metrics, config.metricsRemote()).register(http.javalin());
            if (outbox == null) {
                new DevMailboxRoutes(apps, mailbox, config.devMailboxRemote()).register(http.javalin());
            }
            AdminAccounts admins = new AdminAccounts(database, hasher, ids, clock);
            UserAdmin userAdmin = new UserAdmin(database, users, sessionStore, userTokens, hasher, ids, clock, breached);
            new AdminAuthRoutes(admins, GROUP_ID, limiter).register(http.javalin());
            new AdminUserRoutes(apps, userAdmin, confirmation, sessions, GROUP_ID).register(http.javalin());
            new AdminAppRoutes(apps, providerSettings, database, outbox == null ? mailbox : null, clock, GROUP_ID)
                    .register(http.javalin());
            new ConsoleRoutes().register(http.javalin());

            int port = http.start(config.host(), config.port());
            publicUrl.set(config.publicUrl() != null ? config.publicUrl() : "http://localhost:" + port);
            Duration retention = mail.quotaWindow().compareTo(MAIL_RETENTION) > 0 ? mail.quotaWindow() : MAIL_RETENTION;
            Janitor janitor = new Janitor(database, clock, retention, JANITOR_INTERVAL);
            janitor.start();
            providerSettings.start();
            Gatehouse server = new Gatehouse(database, http, publicUrl, apps, hasher, outbox, functions, janitor,
                    IdleHeap.startIfSerial(http::served), metrics, admins, providerSettings);
            server.logStartup(config);
            return server;
        } catch (RuntimeException e) {
            if (providerSettings != null) {
                providerSettings.close();
            }
            if (outbox != null) {
                outbox.close();
            }
            database.close();
            functions.close();
            metrics.close();
            throw e;
        }
    }

    /** The breached-password check; an offline list that cannot be read stops start-up. */
    private static BreachedPasswords breachedPasswords(ServerConfig config, MeterRegistry meters) {
        try {
            return BreachedPasswords.open(config.breachedPasswords(), meters);
        } catch (java.io.IOException e) {
            throw new InvalidConfigException(List.of("breached password file: " + e.getMessage()));
        }
    }

    /** The apps of the exports, and per client app id their email templates and hosted pages' texts and style. */
    record LoadedApps(List<AppConfig> apps, Map<String, MailTemplates> mailTemplates, Map<String, AppPages> pages) {}

    /**
     * Loads the apps that have no problems, their email templates and pages; adds every problem
     * found. Package-private: {@code gatehouse app validate} checks exports with exactly this code.
     */
    static LoadedApps loadApps(List<Path> appDirs, JavaFunctions javaFunctions, List<String> problems) {
        List<AppConfig> loaded = new ArrayList<>();
        if (appDirs.isEmpty()) {
            loaded.add(AppExportLoader.defaultApp());
        }
        AppExportLoader loader = new AppExportLoader(javaFunctions.names());
        Map<String, Path> seen = new HashMap<>();
        for (Path dir : appDirs) {
            AppConfig app = loader.load(dir, problems);
            if (app == null) {
                continue;
            }
            Path earlier = seen.putIfAbsent(app.clientAppId(), dir);
            if (earlier != null) {
                problems.add(dir + ": client app id '" + app.clientAppId() + "' is already used by " + earlier);
            } else {
                loaded.add(app);
            }
        }
        Map<String, MailTemplates> templates = new HashMap<>();
        Map<String, AppPages> pages = new HashMap<>();
        for (AppConfig app : loaded) {
            List<String> appProblems = new ArrayList<>();
            templates.put(app.clientAppId(), MailTemplates.load(app.directory(), appProblems));
            pages.put(app.clientAppId(), AppPages.load(app.directory(), appProblems));
            appProblems.forEach(p -> problems.add(app.directory() + ": " + p));
        }
        return new LoadedApps(List.copyOf(loaded), Map.copyOf(templates), Map.copyOf(pages));
    }

    private void logStartup(ServerConfig config) {
        log.info("Gatehouse listening on {}:{}, public URL {} (data in {})", config.host(), http.port(), publicUrl.get(),
                config.database().url() == null ? config.dataDir().toAbsolutePath() : config.database().describe());
        for (AppConfig app : apps.all()) {
            log.info("app '{}': {}/api/client/v2.0/app/{}", app.name(), publicUrl.get(), app.clientAppId());
        }
        if (outbox == null) {
            log.warn("no SMTP server configured: emails go to the dev mailbox ({}/dev/mailbox/<app>?email=...); "
                    + "do not use this mode in production", publicUrl.get());
        } else {
            log.info("emails go through {}", config.mail().smtp());
        }
    }

    /** The bound port. */
    public int port() {
        return http.port();
    }

    /** The public URL, without a trailing slash. */
    public String url() {
        return publicUrl.get();
    }

    public Apps apps() {
        return apps;
    }

    /** Argon2id verifications run so far (every login pays exactly one, known user or not). */
    public long passwordVerifications() {
        return hasher.verifications();
    }

    /**
     * Creates an admin user unless one of that name exists (start-up with {@code GATEHOUSE_ADMIN_PASSWORD});
     * nodes starting together may race, and the loser finds the admin there. With no password, only
     * says how to make an admin when there is none.
     */
    public void bootstrapAdmin(String username, String password) {
        if (password == null || password.isEmpty()) {
            if (!admins.exists()) {
                log.info("the admin API and console ({}/console) refuse everyone until an admin exists: create one with "
                        + "`gatehouse admin add-user <name>`, or start with GATEHOUSE_ADMIN_PASSWORD set", publicUrl.get());
            }
            return;
        }
        if (admins.list().stream().anyMatch(a -> a.name().equals(username))) {
            return;
        }
        try {
            admins.addUser(username, password);
            log.info("admin '{}' created from the environment", username);
        } catch (AdminException e) {
            if (e.reason() != AdminException.Reason.CONFLICT) {
                throw new InvalidConfigException(List.of("GATEHOUSE_ADMIN_PASSWORD: " + e.getMessage()));
            }
        }
    }

    public AdminAccounts admins() {
        return admins;
    }

    /** Picks up provider changes stored by other nodes now (it also happens every refresh interval). */
    public void reloadProviderSettings() {
        providerSettings.reload();
    }

    /** Runs the janitor's pass now (it also runs on its own every few minutes); returns the rows deleted. */
    public int purgeExpired() {
        return janitor.purge();
    }

    @Override
    public void close() {
        http.stop();
        idleHeap.close();
        janitor.close();
        providerSettings.close();
        if (outbox != null) {
            outbox.close();
        }
        functions.close();
        database.close();
        metrics.close();
    }
}
