package io.agentworkspace.project;

import java.text.Normalizer;
import java.util.Locale;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Project names are unique regardless of case and Unicode form. The claim is a row with a unique key, written in
 * the transaction that appends ProjectRegistered: a taken name rolls the registration back, event included.
 */
@Component
class ProjectNames {

    private final JdbcTemplate jdbc;

    ProjectNames(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    static String keyOf(String name) {
        return Normalizer.normalize(name.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    void claim(String name, String projectId) {
        try {
            jdbc.update("INSERT INTO project_names (name_key, project_id) VALUES (?, ?)", keyOf(name), projectId);
        } catch (DuplicateKeyException taken) {
            throw RejectedCommand.conflict("project-name-taken", "A project named '" + name.strip() + "' already exists.");
        }
    }
}
