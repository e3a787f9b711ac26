package mnist.math.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed pool of platform daemon threads that runs chunks {@code 0..chunks-1} of one task:
 * chunk 0 on the calling thread, chunk {@code c} on worker {@code c-1}. One task runs at a time (callers
 * are serialised).
 *
 * <p>Workers stay hot between tasks: after a task, a worker keeps checking for the next for up to
 * {@link #SPIN_NANOS} before it parks. A training step hands out a dozen kernels of 10-300 microseconds
 * each, with serial work between them; a parked worker takes 50-250 microseconds to wake, a hot one
 * about one. After a few checks, a waiting thread calls {@code Thread.yield()} between checks: on an
 * idle core it returns at once, but when the machine has more runnable threads than cores (another
 * program, or more threads than cores), it hands the core to the thread being waited for instead of
 * burning its time slice (a pure busy spin made an epoch 15 times slower next to a busy program).
 */
public final class WorkerPool implements AutoCloseable {

    /** How long an idle worker (or a waiting caller) spins before it parks. */
    static final long SPIN_NANOS = 2_000_000;
    /** Checks before a waiting thread starts to yield between checks. */
    private static final int BUSY_CHECKS = 64;
    /** Checks between two reads of the clock. */
    private static final int CLOCK_EVERY = 16;

    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** A pool able to run {@code threads} chunks at once (it starts {@code threads - 1} threads). */
    public WorkerPool(int threads, String name) {
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(name + "-" + (i + 1));
            workers[i].start();
        }
    }

    /** The largest number of chunks run at once. */
    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code body.accept(c)} for every c below {@code chunks} (at most {@link #threads()}), and waits. */
    public synchronized void run(int chunks, IntConsumer body) {
        if (chunks > threads()) {
            throw new IllegalArgumentException(chunks + " chunks for " + threads() + " threads");
        }
        if (closed) {
            throw new IllegalStateException("kernels closed");
        }
        if (chunks <= 1) {
            if (chunks == 1) {
                body.accept(0);
            }
            return;
        }
        caller = Thread.currentThread();
        failure = null;
        pending.set(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            Worker w = workers[c - 1];
            w.chunk = c;
            w.task = body;             // volatile write publishes chunk
            LockSupport.unpark(w);
        }
        Throwable own = null;
        try {
            body.accept(0);
        } catch (Throwable t) {
            own = t;
        }
        long deadline = 0;
        int spins = 0;
        while (pending.get() != 0) {
            deadline = idle(++spins, deadline, this);
        }
        Throwable t = own != null ? own : failure;
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * One round of waiting, the spins-th: a plain check at first, then a yield, and past the deadline
     * (set at the first clock reading, 0 before) a park. Returns the deadline.
     */
    private static long idle(int spins, long deadline, Object blocker) {
        if (spins < BUSY_CHECKS) {
            return deadline;
        }
        Thread.yield();
        if (spins % CLOCK_EVERY != 0) {
            return deadline;
        }
        long now = System.nanoTime();
        if (deadline == 0) {
            return now + SPIN_NANOS;
        }
        if (now - deadline > 0) {
            LockSupport.park(blocker);
        }
        return deadline;
    }

    /** Stops the workers (they finish their current chunk first). */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        volatile IntConsumer task;
        int chunk;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                IntConsumer t;
                long deadline = 0;
                int spins = 0;
                while ((t = task) == null) {
                    if (closed) {
                        return;
                    }
                    deadline = idle(++spins, deadline, this);
                }
                try {
                    t.accept(chunk);
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
