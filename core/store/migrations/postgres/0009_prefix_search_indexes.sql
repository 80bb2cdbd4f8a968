-- A common prefix, first page sorted by name (UserSearch): the matches by e-mail address or
-- display name are read only up to the last name the page can hold, which needs the name
-- beside each key in the index, or every match's row would be read to learn its name.
-- The display-name index gains the name (it served only prefix ranges, which it still does);
-- e-mail keys get a second index beside the UNIQUE one that enforces them.
DROP INDEX users_display_name_key;
CREATE INDEX users_display_name_key ON users (display_name_key, username, id);
CREATE INDEX users_email_key_username ON users (email_key, username, id);
