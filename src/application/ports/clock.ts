export interface Clock {
  now(): Date;
}

/** A source of uniform random integers in [0, maxExclusive); production uses a CSPRNG. */
export interface Random {
  int(maxExclusive: number): number;
}
