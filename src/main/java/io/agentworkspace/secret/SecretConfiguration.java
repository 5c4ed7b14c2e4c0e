package io.agentworkspace.secret;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.agentworkspace.infrastructure.MasterKeySettings;
import io.agentworkspace.infrastructure.persistence.DataDirectory;

@Configuration(proxyBeanMethods = false)
class SecretConfiguration {

    /**
     * The embedded default (H2) may generate its master key into the data directory; a shared database means
     * several nodes, which must be given the same key.
     */
    @Bean
    MasterKey masterKey(MasterKeySettings settings, DataDirectory dataDirectory, HikariDataSource dataSource) {
        String base64 = settings.masterKey();
        String file = settings.masterKeyFile();
        Path keyFile = file.isBlank() ? dataDirectory.root().resolve("master.key") : Path.of(file);
        boolean embedded = dataSource.getJdbcUrl().startsWith("jdbc:h2:");
        return MasterKey.load(base64, keyFile, embedded && file.isBlank());
    }
}
