KB_SEARCH.shard(["lo",{"long":[1,8],"low":[2,8]}]);
