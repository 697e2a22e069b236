-- The counted words of each opinion (words.h words_join: the dictionary words of its body, then
-- of its place, each followed by a space, which no word holds), written with the body and place
-- so that the hot words are counted without segmenting at every read. NULL for an opinion
-- stored before this column: the hot words segment it on the fly, and the background jobs fill
-- it in small batches, newest first, through the partial index below (empty once converged).
ALTER TABLE opinions ADD COLUMN words TEXT;
CREATE INDEX opinions_words_todo ON opinions (id) WHERE words IS NULL;
