KB_SEARCH.shard(["te",{"term":[1,8]}]);
