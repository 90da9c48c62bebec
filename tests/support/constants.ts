/** Customers seeded into the shared test database (deterministic, seed 7). */
export const testSeedCustomers = 400
