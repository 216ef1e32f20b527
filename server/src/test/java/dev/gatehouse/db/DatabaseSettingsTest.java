package dev.gatehouse.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
    @Test
    void no_url_means_the_embedded_sqlite_database() {
        assertThat(DatabaseSettings.embedded().dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(DatabaseSettings.embedded().problems()).isEmpty();
    }

    @Test
    void the_libpq_form_becomes_a_jdbc_url_with_the_credentials_taken_out() {
        DatabaseSettings settings = DatabaseSettings.postgres(
                "postgres://gh%40ops:p%3Ass@db.internal:6543/auth?sslmode=require", null, null, 10);
        assertThat(settings.dialect()).isEqualTo(Dialect.POSTGRESQL);
        DatabaseSettings.Jdbc jdbc = settings.jdbc();
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://db.internal:6543/auth?sslmode=require");
        assertThat(jdbc.user()).isEqualTo("gh@ops");
        assertThat(jdbc.password()).isEqualTo("p:ss");
        // Flags and the password variable win over the URL's.
        DatabaseSettings.Jdbc given = DatabaseSettings.postgres("postgresql://u:url-pw@h/db", "flag-user", "env-pw", 10).jdbc();
        assertThat(given.user()).isEqualTo("flag-user");
        assertThat(given.password()).isEqualTo("env-pw");
        assertThat(DatabaseSettings.postgres("jdbc:postgresql://h:5432/db", "u", null, 10).jdbc().url())
                .isEqualTo("jdbc:postgresql://h:5432/db");
    }

    @Test
    void the_password_never_shows_in_descriptions_or_problems() {
        DatabaseSettings settings = DatabaseSettings.postgres("postgres://u:hunter2@h/db", null, "env-secret", 10);
        assertThat(settings.toString()).doesNotContain("hunter2", "env-secret");
        assertThat(settings.describe()).doesNotContain("hunter2").contains("u:***@h/db");
        assertThat(DatabaseSettings.postgres("jdbc:postgresql://h/db?user=u&password=hunter2", null, null, 10).describe())
                .doesNotContain("hunter2");
        assertThat(DatabaseSettings.postgres("mysql://u:hunter2@h/db", null, null, 10).problems())
                .singleElement().asString().contains("must start with").doesNotContain("hunter2");
    }

    @Test
    void bad_urls_and_pool_sizes_are_problems() {
        assertThat(DatabaseSettings.postgres("postgres://h", null, null, 10).problems()).singleElement().asString()
                .contains("needs a host and a database name");
        assertThat(DatabaseSettings.postgres("jdbc:postgresql://h/db", null, null, 0).problems()).singleElement().asString()
                .contains("pool size");
    }

    @Test
    void an_unreachable_database_is_one_plain_error_without_the_password() {
        assertThatThrownBy(() -> Database.postgres(DatabaseSettings.postgres("postgres://u:hunter2@127.0.0.1:1/db", null, null, 2)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("cannot connect to PostgreSQL postgres://u:***@127.0.0.1:1/db")
                .hasMessageContaining("refused")
                .message().doesNotContain("hunter2");
    }
}
