package mnist.model;

import java.io.IOException;

/**
 * A model file is missing, unreadable, corrupt, or not a model file at all. The message is one line
 * naming the file and the problem, e.g. {@code m.bin: checksum mismatch: the file is corrupt}.
 */
public final class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /** A problem with {@code file} (a path or display name), described by {@code problem}. */
    public ModelFileException(String file, String problem) {
        this(file, problem, null);
    }

    /** As {@link #ModelFileException(String, String)}, keeping the low-level exception as the cause. */
    public ModelFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file (path or display name) the problem is in. */
    public String file() {
        return file;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }
}
