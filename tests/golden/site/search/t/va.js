KB_SEARCH.shard(["va",{"va":[1,2]}]);
