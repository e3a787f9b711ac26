package mnist.data;

import java.lang.reflect.Method;

/**
 * Bytes the current thread has allocated so far, from HotSpot's ThreadMXBean. Reached by reflection
 * because mnist.data (which the tests are patched into) does not read java.management, and core
 * reflection does not need it to.
 */
final class AllocatedBytes {
    private AllocatedBytes() {}

    static long ofCurrentThread() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            Method allocated = Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getCurrentThreadAllocatedBytes");
            return (long) allocated.invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("HotSpot's ThreadMXBean is needed to measure allocation", e);
        }
    }
}
