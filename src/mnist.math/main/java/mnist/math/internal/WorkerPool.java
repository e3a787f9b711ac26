package mnist.math.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed pool of platform daemon threads that runs chunks {@code 0..chunks-1} of one task:
 * chunk 0 on the calling thread, chunk {@code c} on worker {@code c-1}. Workers spin briefly for the
 * next task, then park. One task runs at a time (callers are serialised).
 */
public final class WorkerPool implements AutoCloseable {

    private static final int SPINS = 1 << 12;

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
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
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
                int spins = 0;
                while ((t = task) == null) {
                    if (closed) {
                        return;
                    }
                    if (++spins < SPINS) {
                        Thread.onSpinWait();
                    } else {
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
