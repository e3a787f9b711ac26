/** Random number generators (added on another branch; this file only keeps the export compiling). */
package mnist.math.random;
