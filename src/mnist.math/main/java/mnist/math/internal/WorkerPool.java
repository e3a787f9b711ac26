package mnist.math.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed pool of platform daemon threads that runs chunks {@code 0..chunks-1} of one task:
 * chunk 0 on the calling thread, chunk {@code c} on worker {@code c-1}. One task runs at a time (callers
 * are serialised).
 *
 * <p>Workers stay hot between tasks: after a task, a worker spins on the next for up to
 * {@link #SPIN_NANOS} before it parks. A training step hands out a dozen kernels of 10-300 microseconds
 * each, with serial work between them; a parked worker takes 50-250 microseconds to wake, a spinning one
 * under one. The spin reads a volatile field without {@code Thread.onSpinWait()}: its PAUSE instruction
 * lasts tens of cycles on some processors and, in a virtual machine, can make the hypervisor take the
 * core away (pause-loop exiting), which costs more than the spin saves.
 */
public final class WorkerPool implements AutoCloseable {

    /** How long an idle worker (or a waiting caller) spins before it parks. */
    static final long SPIN_NANOS = 2_000_000;
    /** Spins between two reads of the clock. */
    private static final int CLOCK_EVERY = 256;

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
            if (++spins % CLOCK_EVERY != 0) {
                continue;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + SPIN_NANOS;
            } else if (now - deadline > 0) {
                LockSupport.park(this);
            }
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
                    if (++spins % CLOCK_EVERY != 0) {
                        continue;
                    }
                    long now = System.nanoTime();
                    if (deadline == 0) {
                        deadline = now + SPIN_NANOS;
                    } else if (now - deadline > 0) {
                        LockSupport.park(this);
                    }
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
