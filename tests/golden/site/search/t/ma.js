KB_SEARCH.shard(["ma",{"macedonia":[2,2],"management":[0,2]}]);
