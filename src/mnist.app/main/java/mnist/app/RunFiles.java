package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mnist.model.ModelFileException;
import mnist.model.TrainingDivergedException;
import mnist.model.internal.Checkpoint;
import mnist.model.internal.MinibatchTrainer;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.SavedModel;
import mnist.model.internal.TrainerState;

/**
 * The files of one {@code mnist train} run: the checkpoint it writes after every epoch, the checkpoint
 * it resumes from, and the model it saves, with the checks that keep them from destroying one another.
 */
final class RunFiles {
    private static final String NAME = "mnist train";
    /** Flags that say where output goes or how to run, not what to train: free to change on --resume. */
    static final Set<String> PER_INVOCATION = Set.of("threads", "progress", "save", "metrics-out",
            "checkpoint", "resume", "show-index", "report");

    private final Options options;
    /** What defines the run (every flag but the per-invocation ones), stored in its checkpoints. */
    private final List<String> runArguments;
    private final Path checkpointTo;
    private final Checkpoint resumed;
    private final Path saveTo;

    private RunFiles(Options options, List<String> runArguments, Path checkpointTo, Checkpoint resumed, Path saveTo) {
        this.options = options;
        this.runArguments = runArguments;
        this.checkpointTo = checkpointTo;
        this.resumed = resumed;
        this.saveTo = saveTo;
    }

    /**
     * Reads --checkpoint, --resume and --save. With --resume, loads the checkpoint and returns the options
     * of the run it holds, with the per-invocation flags given now in place of the old ones; any other
     * flag given with --resume is refused before the checkpoint is read.
     */
    static RunFiles resolve(Options given, Set<String> valued) throws UsageException, IOException {
        Options options = given;
        Checkpoint resumed = null;
        Path checkpointTo = outputPath(given, "checkpoint");
        if (given.has("resume")) {
            for (String flag : given.given().keySet()) {
                if (!PER_INVOCATION.contains(flag)) {
                    throw new UsageException(NAME, "--" + flag + " cannot change on --resume: the run goes on with the flags"
                            + " it started with (only --threads, --progress, --save, --metrics-out, --checkpoint,"
                            + " --show-index and --report may be given)");
                }
            }
            Path resumeFile = Path.of(given.string("resume", ""));
            resumed = Checkpoint.load(resumeFile);
            try {
                options = Options.parse(NAME, resumedArguments(given, resumed), valued, Set.of("help"));
            } catch (UsageException e) {
                throw new UsageException(NAME, resumeFile + ": the checkpoint's flags are not valid: " + e.getMessage());
            }
            if (checkpointTo == null) {
                checkpointTo = resumeFile;
            }
        }
        List<String> runArguments = new ArrayList<>();
        options.given().forEach((name, value) -> {
            if (!PER_INVOCATION.contains(name)) {
                runArguments.add("--" + name + "=" + value);
            }
        });
        refuseSameFile(options, "save", "metrics-out", "checkpoint");
        return new RunFiles(options, runArguments, checkpointTo, resumed, outputPath(options, "save"));
    }

    /** The run's options: those given, or with --resume those the checkpoint holds. */
    Options options() {
        return options;
    }

    /** The --save path, checked, or null. */
    Path saveTo() {
        return saveTo;
    }

    /** The arguments of a resumed run: those it started with, plus the per-invocation flags given now. */
    private static String[] resumedArguments(Options now, Checkpoint checkpoint) {
        List<String> merged = new ArrayList<>();
        for (String argument : checkpoint.arguments()) {
            int eq = argument.indexOf('=');
            String name = argument.substring(2, eq < 0 ? argument.length() : eq);
            if (!now.has(name)) {
                merged.add(argument);
            }
        }
        for (Map.Entry<String, String> flag : now.given().entrySet()) {
            if (!flag.getKey().equals("resume")) {
                merged.add("--" + flag.getKey() + "=" + flag.getValue());
            }
        }
        return merged.toArray(String[]::new);
    }

    /** The facts stored with the checkpoint's model (e.g. the report's curves), or none when not resuming. */
    Map<String, String> resumedFacts() {
        return resumed == null ? Map.of() : resumed.model().metadata();
    }

    /** Restores the checkpoint's parameters into the freshly initialised network, if resuming; else null. */
    TrainerState restore(Network network, PrintStream out, int epochs) throws UsageException {
        if (resumed == null) {
            return null;
        }
        Network saved = resumed.model().network();
        if (!saved.describe().equals(network.describe()) || saved.activation() != network.activation()
                || saved.output() != network.output()) {
            throw new UsageException(NAME, "the checkpoint holds a " + saved.describe() + " network, not the "
                    + network.describe() + " its flags describe");
        }
        System.arraycopy(saved.parameters(), 0, network.parameters(), 0, network.parameters().length);
        out.printf("Resuming from the checkpoint: %d of %d epochs done%n", resumed.state().epochsDone(), epochs);
        return resumed.state();
    }

    /**
     * What the trainer calls after each epoch: writing a checkpoint when --checkpoint or --resume asks
     * for one, else null, so that no state is copied for nothing (digit: that of a binary model, else -1).
     */
    MinibatchTrainer.EpochEnd checkpointer(Network network, int digit) {
        return checkpointer(network, digit, Map::of);
    }

    /** As {@link #checkpointer(Network, int)}, storing {@code extra}'s facts with the model (the report's curves). */
    MinibatchTrainer.EpochEnd checkpointer(Network network, int digit, java.util.function.Supplier<Map<String, String>> extra) {
        if (checkpointTo == null) {
            return null;
        }
        return state -> {
            Map<String, String> facts = extra.get();
            SavedModel model = digit >= 0 ? SavedModel.binary(network, digit, facts) : SavedModel.digits(network, facts);
            Checkpoint.save(new Checkpoint(runArguments, model, state), checkpointTo);
        };
    }

    /**
     * When the loss stopped being finite: the trainer has put back the last good parameters; save them
     * if --save was given, and say so.
     */
    TrainingDivergedException diverged(TrainingDivergedException e, Network network, int digit) throws IOException {
        if (saveTo == null) {
            return e;
        }
        if (e.epoch() == 0 && resumed == null) {
            return new TrainingDivergedException(e.epoch(), e.loss(), "no epoch finished, so no model was saved");
        }
        Map<String, String> note = Map.of("note", "last good model before divergence");
        saveModel(digit >= 0 ? SavedModel.binary(network, digit, note) : SavedModel.digits(network, note), saveTo);
        return new TrainingDivergedException(e.epoch(), e.loss(), "the last good model was saved to " + saveTo);
    }

    /**
     * Saves a trained model. A failure here (a full disk, say) is a failure during the work, exit 1,
     * not the bad input that a model file failing to load is.
     */
    static void saveModel(SavedModel model, Path file) throws IOException {
        try {
            ModelFile.save(model, file);
        } catch (ModelFileException e) {
            throw new IOException("could not save the model: " + e.getMessage(), e);
        }
    }

    /** Two output flags naming the same file would overwrite each other: refused before any work. */
    private static void refuseSameFile(Options options, String... flags) throws UsageException {
        for (int i = 0; i < flags.length; i++) {
            for (int j = i + 1; j < flags.length; j++) {
                if (options.has(flags[i]) && options.has(flags[j])
                        && Path.of(options.string(flags[i], "")).toAbsolutePath().normalize()
                        .equals(Path.of(options.string(flags[j], "")).toAbsolutePath().normalize())) {
                    throw new UsageException(NAME, "--" + flags[i] + " and --" + flags[j] + " name the same file");
                }
            }
        }
    }

    /** The path of an output flag, checked to be writable before any long work starts; null if absent. */
    static Path outputPath(Options options, String flag) throws UsageException {
        if (!options.has(flag)) {
            return null;
        }
        Path path;
        try {
            path = Path.of(options.string(flag, ""));
        } catch (InvalidPathException e) {
            throw new UsageException(NAME, "--" + flag + ": not a valid path: " + e.getMessage());
        }
        String problem = AtomicFile.problemWriting(path);
        if (problem != null) {
            throw new UsageException(NAME, "--" + flag + " " + problem);
        }
        return path;
    }
}
