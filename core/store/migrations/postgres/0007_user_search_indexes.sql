-- User search over large directories (UserSearch walks a sort index and tests each user, or
-- starts from the few users a selective condition's index finds).
--
-- Name order with the id, like the other sort indexes of 0002: the UNIQUE index on username
-- holds no id, so every condition tested while walking by name had to read the user's row;
-- with the id in the index, a role is tested against a list of its users from the index alone.
CREATE INDEX users_username_sort ON users (username, id);

-- Locked accounts are rare and no other index holds locked_until, so "show locked users" had
-- to read every user. Only users ever locked have a locked_until (a successful sign-in or an
-- unlock clears it), so this partial index stays small and finds the locked ones directly.
CREATE INDEX users_locked_until ON users (locked_until) WHERE locked_until IS NOT NULL;
