package mnist.data;

import java.io.IOException;

/**
 * A data file is missing, unreadable or malformed. The message is one line naming the file and the
 * problem, e.g. {@code train-images-idx3-ubyte.gz: truncated: expected 47040016 bytes, found 47039000}.
 */
public final class DatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /** A problem with {@code file} (a path or display name), described by {@code problem}. */
    public DatasetException(String file, String problem) {
        this(file, problem, null);
    }

    /** As {@link #DatasetException(String, String)}, keeping the low-level exception as the cause. */
    public DatasetException(String file, String problem, Throwable cause) {
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
