/** Random number generators: NumPy's legacy stream (to reproduce the lecture) and our own. */
package mnist.math.random;
