KB_SEARCH.shard(["ma",{"macedonia":[2,4],"management":[0,2]}]);
