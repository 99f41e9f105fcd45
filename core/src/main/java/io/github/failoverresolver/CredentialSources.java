package io.github.failoverresolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** The built-in credential sources. Each is thread-safe. */
public final class CredentialSources {
  private CredentialSources() {}

  /** The value of an environment variable; missing when unset or blank. The id is the variable's name. */
  public static CredentialSource env(String variable) {
    return env(variable, System.getenv());
  }

  /** Like {@link #env(String)} over a given environment (tests, or a process's own copy). */
  public static CredentialSource env(String variable, Map<String, String> environment) {
    Objects.requireNonNull(variable, "variable");
    Objects.requireNonNull(environment, "environment");
    return named("env " + variable, () -> {
      String value = environment.get(variable);
      if (value == null || value.isBlank()) {
        return CredentialSource.Result.missing("environment variable " + variable + " is not set");
      }
      return CredentialSource.Result.present(Credential.of(variable, value.strip()));
    });
  }

  /**
   * The content of a file (trimmed), re-read whenever its modification time or size changes, so mounted
   * secrets that are rotated in place are picked up. The file's modification time is the credential's
   * issue time (for the max-age check); the id is the file name.
   */
  public static CredentialSource file(Path path) {
    Objects.requireNonNull(path, "path");
    return new CredentialSource() {
      private FileTime seenTime;
      private long seenSize = -1;
      private Result cached;

      @Override
      public synchronized Result load() {
        try {
          FileTime time = Files.getLastModifiedTime(path);
          long size = Files.size(path);
          if (cached == null || !time.equals(seenTime) || size != seenSize) {
            String value = Files.readString(path, StandardCharsets.UTF_8).strip();
            cached = value.isEmpty()
                ? Result.missing("file " + path + " is empty")
                : Result.present(new Credential(path.getFileName().toString(), Secret.of(value), Optional.empty(),
                    Optional.of(time.toInstant())));
            seenTime = time;
            seenSize = size;
          }
          return cached;
        } catch (NoSuchFileException e) {
          cached = null;
          return Result.missing("file " + path + " does not exist");
        } catch (IOException e) {
          cached = null;
          return Result.missing("file " + path + " is unreadable: " + e.getClass().getSimpleName());
        }
      }

      @Override
      public String toString() {
        return "file " + path;
      }
    };
  }

  /** A credential from code (a vault client, a token refresher). Empty means missing. */
  public static CredentialSource supplier(String description, Supplier<Optional<Credential>> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    return named(description, () -> supplier.get()
        .map(CredentialSource.Result::present)
        .orElseGet(() -> CredentialSource.Result.missing(description + " supplied no credential")));
  }

  private static CredentialSource named(String description, CredentialSource source) {
    return new CredentialSource() {
      @Override
      public Result load() throws Exception {
        return source.load();
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }
}
