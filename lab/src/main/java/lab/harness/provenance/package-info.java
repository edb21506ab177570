/**
 * How a run was made, as one record written as {@code provenance.json}:
 * {@code Provenance.collect(config, runDir, device, clock).writeTo(runDir)}. Hashes stream any
 * size of file; a missing git checkout is recorded, never fatal.
 */
package lab.harness.provenance;
