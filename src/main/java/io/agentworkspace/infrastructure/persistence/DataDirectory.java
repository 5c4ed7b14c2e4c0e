package io.agentworkspace.infrastructure.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The directory that holds everything the node keeps on local disk: workspaces, snapshots, the embedded database. */
@Component
public class DataDirectory {

    static final String DEFAULT = "./data";

    private final Path root;

    DataDirectory(@Value("${agent.data-dir:" + DEFAULT + "}") String configured) {
        this.root = resolve(configured);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root, e);
        }
    }

    static Path resolve(String configured) {
        return Path.of(configured).toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** A sub-directory of the data directory, created on first use. */
    public Path directory(String name) {
        Path dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }
}
