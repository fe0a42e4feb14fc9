KB_SEARCH.shard(["re",{"republic":[0,2,2,6]}]);
